/**
 * SigV4 streaming uploads checked against the worked example in AWS's documentation ("Signature
 * Calculations for the Authorization Header: Transferring Payload in Multiple Chunks"): the seed signature
 * of the request and the signature of each 64 KiB, 1 KiB and final empty chunk. Then tampering: a changed
 * byte, a reordered chain or a truncated body fails.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ChunkedDecoder } from "../../../src/sandbox/s3/chunked.ts";
import { S3Error } from "../../../src/sandbox/s3/errors.ts";
import { authenticate } from "../../../src/sandbox/s3/sigv4.ts";

const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNKS = [
  { size: 65536, signature: "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648" },
  { size: 1024, signature: "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497" },
  { size: 0, signature: "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9" },
];

const request = {
  method: "PUT",
  url: "/examplebucket/chunkObject.txt",
  rawHeaders: [
    "Host",
    "s3.amazonaws.com",
    "x-amz-date",
    "20130524T000000Z",
    "x-amz-storage-class",
    "REDUCED_REDUNDANCY",
    "Authorization",
    `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
    "x-amz-content-sha256",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "Content-Encoding",
    "aws-chunked",
    "x-amz-decoded-content-length",
    "66560",
    "Content-Length",
    "66824",
  ],
};
const now = Date.UTC(2013, 4, 24, 0, 1);

function body(chunks = CHUNKS, data = (size: number) => Buffer.alloc(size, "a")): Buffer {
  return Buffer.concat(
    chunks.map((c) =>
      Buffer.concat([
        Buffer.from(`${c.size.toString(16)};chunk-signature=${c.signature}\r\n`),
        data(c.size),
        Buffer.from("\r\n"),
      ]),
    ),
  );
}

async function decode(raw: Buffer): Promise<Buffer> {
  const auth = authenticate(request, { credentials, region: "us-east-1", now });
  const out: Buffer[] = [];
  for await (const chunk of Readable.from([raw.subarray(0, 1000), raw.subarray(1000)]).pipe(
    new ChunkedDecoder({ signing: auth }),
  ))
    out.push(chunk as Buffer);
  return Buffer.concat(out);
}

describe("aws-chunked with chunk signatures (AWS's worked example)", () => {
  it("accepts the example request and its seed signature", () => {
    const auth = authenticate(request, { credentials, region: "us-east-1", now });
    expect(auth.seedSignature).toBe(SEED);
    expect(auth.payloadHash).toBe("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  });

  it("decodes the example body, verifying each chunk signature", async () => {
    const raw = body();
    expect(raw.length).toBe(66824);
    const decoded = await decode(raw);
    expect(decoded.length).toBe(66560);
    expect(decoded.every((b) => b === 0x61)).toBe(true);
  });

  it.each([
    [
      "a changed byte",
      body(CHUNKS, (size) => {
        const b = Buffer.alloc(size, "a");
        if (size === 1024) b[10] = 0x62;
        return b;
      }),
    ],
    ["chunks in another order", body([CHUNKS[1]!, CHUNKS[0]!, CHUNKS[2]!])],
  ])("refuses %s with SignatureDoesNotMatch", async (_, raw) => {
    const error = await decode(raw).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe("SignatureDoesNotMatch");
  });

  it("refuses a body cut before its final chunk", async () => {
    const error = await decode(body(CHUNKS.slice(0, 2))).catch((e: unknown) => e);
    expect((error as S3Error).code).toBe("IncompleteBody");
  });
});
