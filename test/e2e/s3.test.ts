/**
 * The sandbox S3 store as `slipway sandbox up` serves it: reached from the host at AWS_ENDPOINT_URL_S3
 * with the AWS SDK and the exported CA bundle, and from inside a server (curl's SigV4) at the same
 * address; conditional writes pass through the forwarder intact; and every bucket and object survives
 * `sandbox down` / `sandbox up`.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectCli } from "./support/cli.ts";
import {
  createTestServer,
  eventually,
  hetznerApi,
  inServer,
  mustInServer,
  type TestServer,
} from "./support/servers.ts";

const env = () => inject("sandboxEnv");
const nonce = randomBytes(4).toString("hex");
const Bucket = `e2e-${nonce}`;
let s3: S3Client;
let server: TestServer;

function client(): S3Client {
  const e = env();
  return new S3Client({
    endpoint: e.AWS_ENDPOINT_URL_S3,
    region: e.AWS_REGION,
    credentials: {
      accessKeyId: e.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: e.AWS_SECRET_ACCESS_KEY as string,
    },
    requestHandler: { httpsAgent: new Agent({ ca: readFileSync(e.AWS_CA_BUNDLE as string) }) },
  });
}

/** curl inside the server, signing with SigV4 and trusting the sandbox CA copied in. */
function curl(args: string): string {
  const e = env();
  return `curl -sS --fail-with-body --cacert /tmp/sandbox-ca.pem --aws-sigv4 aws:amz:${e.AWS_REGION}:s3 --user '${e.AWS_ACCESS_KEY_ID}:${e.AWS_SECRET_ACCESS_KEY}' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' ${args}`;
}

beforeAll(async () => {
  s3 = client();
  server = await createTestServer(`s3-${nonce}`);
  const ca = readFileSync(env().AWS_CA_BUNDLE as string, "utf8");
  await mustInServer(server, `cat > /tmp/sandbox-ca.pem <<'PEM'\n${ca}PEM`);
});

afterAll(async () => {
  s3.destroy();
  await hetznerApi("DELETE", `/servers/${server.id}`);
});

describe("sandbox S3", () => {
  it("exports the S3 endpoint, keys, region and CA bundle", () => {
    expect(env()).toMatchObject({ AWS_ENDPOINT_URL_S3: "https://127.0.2.4", AWS_REGION: "fsn1" });
    expect(readFileSync(env().AWS_CA_BUNDLE as string, "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("serves the host through the AWS SDK and a server through curl, at one address", async () => {
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "from-host.txt", Body: "written by the host" }));
    const endpoint = env().AWS_ENDPOINT_URL_S3;
    expect(await mustInServer(server, curl(`${endpoint}/${Bucket}/from-host.txt`))).toBe(
      "written by the host",
    );
    await mustInServer(
      server,
      curl(`-X PUT --data-binary 'written by a server' ${endpoint}/${Bucket}/from-server.txt`),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "from-server.txt" }));
    expect(await got.Body?.transformToString()).toBe("written by a server");
  });

  it("enforces If-None-Match: * through the public endpoint", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "lease", Body: "a", IfNoneMatch: "*" }));
    const second = await s3
      .send(new PutObjectCommand({ Bucket, Key: "lease", Body: "b", IfNoneMatch: "*" }))
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(S3ServiceException);
    expect((second as S3ServiceException).$metadata.httpStatusCode).toBe(412);
  });

  it("keeps every bucket and object across sandbox down and up", async () => {
    await expectCli(["sandbox", "down"], 0);
    await expectCli(["sandbox", "up"], 0);
    const status = JSON.parse((await expectCli(["sandbox", "status", "--json"], 0)).stdout) as {
      api: { s3: string | null };
    };
    expect(status.api.s3).toBe("https://127.0.2.4");
    const listed = await s3.send(new ListObjectsV2Command({ Bucket }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(["from-host.txt", "from-server.txt", "lease"]);
    const endpoint = env().AWS_ENDPOINT_URL_S3;
    // The server was running at `down`, so `up` boots it again; give its boot a moment to finish.
    await eventually(
      async () =>
        (await inServer(server, curl(`${endpoint}/${Bucket}/from-server.txt`))).stdout ===
        "written by a server",
      "the restarted server to read its object back",
    );
  });
});
