/**
 * Receiving a request body the way S3 does: undo aws-chunked framing, then check every integrity claim
 * the client made (x-amz-content-sha256, Content-MD5, x-amz-checksum-* as a header or a trailer) and the
 * declared length. Object data streams to a file while MD5 (the ETag) and the checksums are computed, so
 * a multi-gigabyte upload never sits in memory.
 */
import { createHash, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { ChunkedDecoder } from "./chunked.ts";
import { crc32c } from "./crc32c.ts";
import { S3Error } from "./errors.ts";
import type { Authentication } from "./sigv4.ts";

export interface ReceivedBody {
  size: number;
  md5: string;
}

const CHECKSUMS = ["crc32", "crc32c", "sha1", "sha256"] as const;
type ChecksumName = (typeof CHECKSUMS)[number];

class Digests {
  size = 0;
  private readonly md5 = createHash("md5");
  private readonly sha256: Hash | null;
  private readonly sha1: Hash | null;
  private crc32 = 0;
  private crc32c = 0;

  private readonly wanted: Set<string>;

  constructor(wanted: Set<string>) {
    this.wanted = wanted;
    this.sha256 = wanted.has("sha256") || wanted.has("payload") ? createHash("sha256") : null;
    this.sha1 = wanted.has("sha1") ? createHash("sha1") : null;
  }

  update(data: Buffer): void {
    this.size += data.length;
    this.md5.update(data);
    this.sha256?.update(data);
    this.sha1?.update(data);
    if (this.wanted.has("crc32")) this.crc32 = crc32(data, this.crc32);
    if (this.wanted.has("crc32c")) this.crc32c = crc32c(data, this.crc32c);
  }

  finish(): { md5: Buffer; sha256?: Buffer; checksums: Partial<Record<ChecksumName, string>> } {
    const sha256 = this.sha256?.digest();
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n >>> 0);
      return b.toString("base64");
    };
    return {
      md5: this.md5.digest(),
      sha256,
      checksums: {
        crc32: u32(this.crc32),
        crc32c: u32(this.crc32c),
        sha1: this.sha1?.digest("base64"),
        sha256: sha256?.toString("base64"),
      },
    };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Reads, checks and hands the decoded body to `sink` (a file or a buffer collector). */
async function receive(
  req: IncomingMessage,
  auth: Authentication,
  maxBytes: number,
  sink: (source: AsyncIterable<Buffer>) => Promise<void>,
): Promise<ReceivedBody> {
  const streaming = auth.payloadHash.startsWith("STREAMING-");
  const declared = streaming ? header(req, "x-amz-decoded-content-length") : header(req, "content-length");
  if (declared === undefined && (streaming || header(req, "transfer-encoding") !== undefined)) {
    throw new S3Error("MissingContentLength");
  }
  const expectedSize = declared === undefined ? 0 : Number(declared);
  if (!Number.isSafeInteger(expectedSize) || expectedSize < 0) {
    throw new S3Error("InvalidArgument", {}, "Content-Length must be a non-negative integer");
  }
  if (expectedSize > maxBytes)
    throw new S3Error("EntityTooLarge", {
      ProposedSize: String(expectedSize),
      MaxSizeAllowed: String(maxBytes),
    });

  const trailerNames = (header(req, "x-amz-trailer") ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const wanted = new Set<string>(
    CHECKSUMS.filter(
      (c) => header(req, `x-amz-checksum-${c}`) !== undefined || trailerNames.includes(`x-amz-checksum-${c}`),
    ),
  );
  if (/^[0-9a-f]{64}$/.test(auth.payloadHash)) wanted.add("payload");
  const digests = new Digests(wanted);

  const signed = auth.payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  const decoder = streaming ? new ChunkedDecoder(signed ? { signing: auth } : {}) : null;
  let source: Readable = req;
  if (decoder) {
    req.on("error", (error) => decoder.destroy(error));
    source = req.pipe(decoder);
  }
  async function* measured(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      digests.update(chunk);
      if (digests.size > maxBytes) throw new S3Error("EntityTooLarge");
      yield chunk;
    }
  }
  try {
    await sink(measured(source));
  } catch (error) {
    if (error instanceof S3Error) throw error;
    throw new S3Error("IncompleteBody");
  }
  if (digests.size !== expectedSize) throw new S3Error("IncompleteBody");

  const { md5, sha256, checksums } = digests.finish();
  if (wanted.has("payload") && sha256?.toString("hex") !== auth.payloadHash) {
    throw new S3Error("XAmzContentSHA256Mismatch", {
      ClientComputedContentSHA256: auth.payloadHash,
      S3ComputedContentSHA256: sha256?.toString("hex") ?? "",
    });
  }
  const contentMd5 = header(req, "content-md5");
  if (contentMd5 !== undefined) {
    if (Buffer.from(contentMd5, "base64").length !== 16) throw new S3Error("InvalidDigest");
    if (contentMd5 !== md5.toString("base64")) throw new S3Error("BadDigest", { ExpectedDigest: contentMd5 });
  }
  for (const name of wanted) {
    if (name === "payload") continue;
    const claimed = header(req, `x-amz-checksum-${name}`) ?? decoder?.trailers.get(`x-amz-checksum-${name}`);
    if (claimed !== checksums[name as ChecksumName]) {
      throw new S3Error(
        "BadDigest",
        {},
        `The ${name.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
  }
  return { size: digests.size, md5: md5.toString("hex") };
}

export function receiveToFile(
  req: IncomingMessage,
  auth: Authentication,
  file: string,
  maxBytes: number,
): Promise<ReceivedBody> {
  return receive(req, auth, maxBytes, (source) => pipeline(source, createWriteStream(file)));
}

/** Small XML request bodies (Delete, CompleteMultipartUpload, lifecycle): read into memory. */
export async function receiveSmall(
  req: IncomingMessage,
  auth: Authentication,
  maxBytes = 2 * 1024 * 1024,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await receive(req, auth, maxBytes, async (source) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}
