/**
 * Decodes `Content-Encoding: aws-chunked` bodies: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`
 * repeated, a zero-size chunk, then optional trailers (`x-amz-checksum-crc32:…`) and, when signed, an
 * `x-amz-trailer-signature`. Every chunk signature chains from the previous one starting at the seed
 * signature of the request, so a tampered, reordered or truncated chunk fails with SignatureDoesNotMatch.
 * restic's client sends this over plain HTTP and the AWS SDK (unsigned, with a CRC trailer) over HTTPS.
 */
import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { S3Error } from "./errors.ts";
import { type Authentication, EMPTY_SHA256, hmac, sha256Hex, signatureMatches } from "./sigv4.ts";

export interface ChunkedOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: chunk signatures are checked. */
  signing?: Authentication;
}

const MAX_LINE = 4096;

export class ChunkedDecoder extends Transform {
  /** Trailing headers (lower-case names), available once the stream has ended. */
  readonly trailers = new Map<string, string>();
  private buffer: Buffer = Buffer.alloc(0);
  private state: "header" | "data" | "data-end" | "trailer" | "done" = "header";
  private remaining = 0;
  private chunkHash = createHash("sha256");
  private chunkSignature = "";
  private previousSignature: string;
  private readonly signing: Authentication | undefined;

  constructor(options: ChunkedOptions) {
    super();
    this.signing = options.signing;
    this.previousSignature = options.signing?.seedSignature ?? "";
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== "done") callback(new S3Error("IncompleteBody"));
    else callback();
  }

  private readLine(): string | null {
    const end = this.buffer.indexOf("\r\n");
    if (end < 0) {
      if (this.buffer.length > MAX_LINE) throw malformed("a chunk header line is too long");
      return null;
    }
    const line = this.buffer.subarray(0, end).toString("latin1");
    this.buffer = this.buffer.subarray(end + 2);
    return line;
  }

  private drain(): void {
    for (;;) {
      if (this.state === "header") {
        const line = this.readLine();
        if (line === null) return;
        this.startChunk(line);
      } else if (this.state === "data") {
        if (this.buffer.length === 0) return;
        const take = this.buffer.subarray(0, this.remaining);
        this.buffer = this.buffer.subarray(take.length);
        this.remaining -= take.length;
        this.chunkHash.update(take);
        this.push(take);
        if (this.remaining === 0) this.state = "data-end";
      } else if (this.state === "data-end") {
        if (this.buffer.length < 2) return;
        if (this.buffer[0] !== 0x0d || this.buffer[1] !== 0x0a)
          throw malformed("chunk data is longer than its size");
        this.buffer = this.buffer.subarray(2);
        this.verifyChunk(this.chunkHash.digest("hex"));
        this.state = "header";
      } else if (this.state === "trailer") {
        const line = this.readLine();
        if (line === null) return;
        if (line === "") this.finish();
        else this.addTrailer(line);
      } else {
        if (this.buffer.length > 0) throw malformed("data after the final chunk");
        return;
      }
    }
  }

  private startChunk(line: string): void {
    const [sizeText = "", ...extensions] = line.split(";");
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed(`bad chunk size "${sizeText}"`);
    const signature = extensions.find((e) => e.startsWith("chunk-signature="))?.slice(16);
    if (this.signing && !signature) throw malformed("a chunk has no chunk-signature");
    this.chunkSignature = signature ?? "";
    this.remaining = Number.parseInt(sizeText, 16);
    this.chunkHash = createHash("sha256");
    if (this.remaining > 0) {
      this.state = "data";
      return;
    }
    this.verifyChunk(EMPTY_SHA256);
    this.state = "trailer";
  }

  /** Checks one link of the signature chain (it signs the link before it) and returns it. */
  private verifyLink(
    signing: Authentication,
    algorithm: "AWS4-HMAC-SHA256-PAYLOAD" | "AWS4-HMAC-SHA256-TRAILER",
    hashes: readonly string[],
    claimed: string,
    what: "chunk" | "trailer",
  ): string {
    const { amzDate, scope, signingKey } = signing;
    const toSign = [algorithm, amzDate, scope, this.previousSignature, ...hashes].join("\n");
    const expected = hmac(signingKey, toSign).toString("hex");
    if (!signatureMatches(expected, claimed)) {
      throw new S3Error(
        "SignatureDoesNotMatch",
        {},
        `The ${what} signature does not match the one calculated.`,
      );
    }
    return expected;
  }

  private verifyChunk(dataHash: string): void {
    if (!this.signing) return;
    this.previousSignature = this.verifyLink(
      this.signing,
      "AWS4-HMAC-SHA256-PAYLOAD",
      [EMPTY_SHA256, dataHash],
      this.chunkSignature,
      "chunk",
    );
  }

  private trailerLines: string[] = [];

  private addTrailer(line: string): void {
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed(`bad trailer "${line}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.verifyTrailer(value);
      return;
    }
    this.trailers.set(name, value);
    this.trailerLines.push(`${name}:${value}\n`);
  }

  private verifyTrailer(signature: string): void {
    if (!this.signing) return;
    const trailers = [sha256Hex(this.trailerLines.join(""))];
    this.verifyLink(this.signing, "AWS4-HMAC-SHA256-TRAILER", trailers, signature, "trailer");
    this.trailerSigned = true;
  }

  private trailerSigned = false;

  private finish(): void {
    if (this.signing && this.trailerLines.length > 0 && !this.trailerSigned) {
      throw new S3Error(
        "SignatureDoesNotMatch",
        {},
        "Trailing headers were sent without x-amz-trailer-signature.",
      );
    }
    this.state = "done";
  }
}

function malformed(why: string): S3Error {
  return new S3Error("InvalidRequest", {}, `Malformed aws-chunked body: ${why}`);
}
