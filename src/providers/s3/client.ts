/**
 * The S3 client buckets are managed with, from the standard AWS variables: AWS_ENDPOINT_URL_S3 (the
 * sandbox, Hetzner Object Storage, MinIO; path-style there), AWS_REGION and the access keys.
 * AWS_CA_BUNDLE is loaded here because the JavaScript SDK, unlike the AWS CLI, ignores it.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { UsageError } from "../../errors.ts";

export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3;
  const bundle = env.AWS_CA_BUNDLE;
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new UsageError(
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and the stack has buckets",
      {
        hint:
          "Export the access keys of your S3 account (and AWS_ENDPOINT_URL_S3 for a store other than AWS), " +
          'or use the local sandbox: eval "$(slipway sandbox env)"',
      },
    );
  }
  return new S3Client({
    region: env.AWS_REGION || "us-east-1",
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    },
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(bundle ? { requestHandler: { httpsAgent: new Agent({ ca: readCaBundle(bundle) }) } } : {}),
  });
}

function readCaBundle(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`AWS_CA_BUNDLE: cannot read ${path}: ${(error as Error).message}`);
  }
}
