/**
 * SigV4 at the sandbox S3 store: requests signed by the reference signer (@smithy/signature-v4, the one
 * inside the AWS SDK) pass; a wrong secret, an unknown key, a wrong region, a tampered body, an expired or
 * altered presigned URL and anonymous requests fail with AWS's error codes. Also virtual-hosted-style
 * addressing, which the SDK does not use against an IP endpoint.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import {
  CreateBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDENTIALS, startTestStore, type TestStore } from "../../support/s3-server.ts";

/** The hash the signer wants (its own comes from @smithy/hash-node, which is not a direct dependency). */
class Sha256 {
  private hash!: Hash | Hmac;
  private readonly secret: Buffer | string | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret === undefined || typeof secret === "string") this.secret = secret;
    else if (ArrayBuffer.isView(secret))
      this.secret = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
    else this.secret = Buffer.from(secret);
    this.reset();
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
}

let store: TestStore;
let s3: S3Client;
let ca: string;
let port: number;

beforeAll(async () => {
  store = await startTestStore();
  s3 = store.client();
  ca = readFileSync(store.caFile, "utf8");
  port = store.server.port;
  await s3.send(new CreateBucketCommand({ Bucket: "auth" }));
  await s3.send(new PutObjectCommand({ Bucket: "auth", Key: "file.txt", Body: "secret content" }));
});
afterAll(async () => {
  s3.destroy();
  await store.stop();
});

interface Raw {
  status: number;
  body: string;
}

function send(options: {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method,
        path: options.path,
        headers: options.headers,
        ca,
        checkServerIdentity: () => undefined,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const signer = (region = "fsn1", credentials = CREDENTIALS) =>
  new SignatureV4({ credentials, region, service: "s3", sha256: Sha256, uriEscapePath: false });

async function signed(
  method: string,
  path: string,
  options: { body?: string; host?: string; region?: string; secret?: string; payloadHash?: string } = {},
): Promise<Raw> {
  const host = options.host ?? `127.0.0.1:${port}`;
  const body = options.body ?? "";
  const headers: Record<string, string> = {
    host,
    "x-amz-content-sha256": options.payloadHash ?? createHash("sha256").update(body).digest("hex"),
  };
  if (body) headers["content-length"] = String(Buffer.byteLength(body));
  const credentials = options.secret ? { ...CREDENTIALS, secretAccessKey: options.secret } : CREDENTIALS;
  const [pathname = "/", search = ""] = path.split("?");
  const query = Object.fromEntries(new URLSearchParams(search));
  const req = await signer(options.region, credentials).sign({
    method,
    protocol: "https:",
    hostname: host.split(":")[0] as string,
    port,
    path: pathname,
    query,
    headers,
    body,
  });
  return send({ method, path, headers: req.headers, body });
}

const code = (raw: Raw) => /<Code>([^<]+)<\/Code>/.exec(raw.body)?.[1];

describe("header signatures", () => {
  it("accepts a request signed by the reference signer", async () => {
    const res = await signed("GET", "/auth/file.txt");
    expect(res).toEqual({ status: 200, body: "secret content" });
  });

  it("rejects a wrong secret with SignatureDoesNotMatch", async () => {
    const res = await signed("GET", "/auth/file.txt", { secret: "not-the-secret" });
    expect([res.status, code(res)]).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("rejects the SDK with a wrong secret, too", async () => {
    const bad = store.client({ credentials: { ...CREDENTIALS, secretAccessKey: "wrong" } });
    const error = await bad.send(new ListBucketsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as S3ServiceException).name).toBe("SignatureDoesNotMatch");
    bad.destroy();
  });

  it("rejects an unknown access key with InvalidAccessKeyId", async () => {
    const bad = store.client({ credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" } });
    const error = (await bad.send(new ListBucketsCommand({})).catch((e: unknown) => e)) as S3ServiceException;
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidAccessKeyId", 403]);
    bad.destroy();
  });

  it("rejects a signature for another region with AuthorizationHeaderMalformed", async () => {
    const res = await signed("GET", "/auth/file.txt", { region: "eu-west-1" });
    expect([res.status, code(res)]).toEqual([400, "AuthorizationHeaderMalformed"]);
  });

  it("rejects a body that does not match the signed SHA-256", async () => {
    const honest = createHash("sha256").update("what was signed").digest("hex");
    const res = await signed("PUT", "/auth/tampered", { body: "what was sent!!", payloadHash: honest });
    expect([res.status, code(res)]).toEqual([400, "XAmzContentSHA256Mismatch"]);
  });

  it("rejects anonymous requests with AccessDenied", async () => {
    const res = await send({ method: "GET", path: "/auth/file.txt", headers: {} });
    expect([res.status, code(res)]).toEqual([403, "AccessDenied"]);
  });
});

describe("presigned URLs", () => {
  async function presigned(expiresIn: number, signingDate?: Date): Promise<string> {
    const req = await signer().presign(
      {
        method: "GET",
        protocol: "https:",
        hostname: "127.0.0.1",
        port,
        path: "/auth/file.txt",
        query: {},
        headers: { host: `127.0.0.1:${port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      // As @aws-sdk/s3-request-presigner does: S3 presigned URLs always carry an unsigned payload.
      {
        expiresIn,
        signingDate,
        unsignableHeaders: new Set(["x-amz-content-sha256"]),
        unhoistableHeaders: new Set(["x-amz-content-sha256"]),
      },
    );
    const query = new URLSearchParams(req.query as Record<string, string>).toString();
    return `${req.path}?${query}`;
  }

  it("serves a valid presigned GET", async () => {
    const res = await send({ method: "GET", path: await presigned(60), headers: {} });
    expect(res).toEqual({ status: 200, body: "secret content" });
  });

  it("refuses an expired or altered one", async () => {
    const expired = await send({
      method: "GET",
      path: await presigned(60, new Date(Date.now() - 3_600_000)),
      headers: {},
    });
    expect([expired.status, code(expired)]).toEqual([403, "AccessDenied"]);
    const altered = await send({
      method: "GET",
      path: (await presigned(60)).replace("file.txt", "other.txt"),
      headers: {},
    });
    expect([altered.status, code(altered)]).toEqual([403, "SignatureDoesNotMatch"]);
  });
});

describe("addressing", () => {
  it("serves a bucket by virtual-hosted-style Host", async () => {
    const res = await signed("GET", "/file.txt", { host: `auth.s3.test:${port}` });
    expect(res).toEqual({ status: 200, body: "secret content" });
  });
});
