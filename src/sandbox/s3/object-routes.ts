/**
 * Object operations: PutObject (conditional with If-None-Match / If-Match), GetObject and HeadObject
 * (Range, conditional reads, response-* overrides), DeleteObject (If-Match), CopyObject. A write's
 * generation is noted before its body arrives, so a conditional write that another write overtook while
 * it uploaded fails with 409 ConditionalRequestConflict instead of silently winning.
 */
import { createReadStream } from "node:fs";
import { copyFile, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { receiveToFile } from "./body.ts";
import { COPY_SOURCE_READ, checkRead, writePrecondition } from "./conditions.ts";
import { S3Error } from "./errors.ts";
import {
  describedObject,
  type Exchange,
  header,
  httpDate,
  objectHeaders,
  quoted,
  requireKey,
  sendEmpty,
  sendXml,
} from "./http.ts";
import type { ObjectMeta, WriteGuard } from "./store.ts";
import { xmlDocument } from "./xml.ts";

/** The guard of a conditional write: its precondition, checked now and again at commit. */
export function writeGuard(ex: Exchange): WriteGuard {
  const precondition = writePrecondition(ex.req.headers, ex.key);
  if (!precondition) return {};
  precondition(ex.store.head(ex.bucket, ex.key));
  return { precondition, seenGeneration: ex.store.generation(ex.bucket, ex.key) };
}

export async function putObject(ex: Exchange): Promise<void> {
  requireKey(ex);
  ex.store.bucketRecord(ex.bucket);
  const guard = writeGuard(ex);
  const file = ex.store.tmpFile();
  try {
    const body = await receiveToFile(ex.req, ex.auth, file, ex.settings.maxObjectSize);
    const meta = await ex.store.commit(
      ex.bucket,
      ex.key,
      file,
      { ...describedObject(ex.req), etag: body.md5, size: body.size },
      guard,
    );
    sendEmpty(ex, 200, { etag: quoted(meta.etag), ...checksumEcho(ex) });
  } finally {
    await rm(file, { force: true });
  }
}

/** AWS echoes the checksum a client sent as a header. */
function checksumEcho(ex: Exchange): Record<string, string> {
  const echo: Record<string, string> = {};
  for (const name of ["crc32", "crc32c", "sha1", "sha256"]) {
    const value = header(ex.req, `x-amz-checksum-${name}`);
    if (value !== undefined) echo[`x-amz-checksum-${name}`] = value;
  }
  return echo;
}

function existing(ex: Exchange): ObjectMeta {
  const meta = ex.store.head(ex.bucket, ex.key);
  if (!meta) throw new S3Error("NoSuchKey", { Key: ex.key });
  return meta;
}

/** bytes=a-b, bytes=a-, bytes=-n. Anything else (several ranges, other units) is ignored, as S3 does. */
export function parseRange(
  value: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  const m = value === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0)
      throw new S3Error("InvalidRange", { RangeRequested: value as string, ActualObjectSize: String(size) });
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return undefined;
  }
  if (start >= size)
    throw new S3Error("InvalidRange", { RangeRequested: value as string, ActualObjectSize: String(size) });
  return { start, end };
}

const OVERRIDES: Record<string, string> = {
  "response-content-type": "content-type",
  "response-content-language": "content-language",
  "response-expires": "expires",
  "response-cache-control": "cache-control",
  "response-content-disposition": "content-disposition",
  "response-content-encoding": "content-encoding",
};

export async function getObject(ex: Exchange, head: boolean): Promise<void> {
  requireKey(ex);
  ex.store.bucketRecord(ex.bucket);
  const meta = existing(ex);
  try {
    checkRead(ex.req.headers, meta);
  } catch (error) {
    if (error instanceof S3Error && error.code === "NotModified") {
      throw new S3Error("NotModified", {
        etag: quoted(meta.etag),
        "last-modified": httpDate(meta.lastModified),
      });
    }
    throw error;
  }
  const headers = objectHeaders(meta);
  for (const [param, name] of Object.entries(OVERRIDES)) {
    const value = ex.query.get(param);
    if (value !== null) headers[name] = value;
  }
  const range = parseRange(header(ex.req, "range"), meta.size);
  const status = range ? 206 : 200;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${meta.size}`;
  const length = range ? range.end - range.start + 1 : meta.size;
  ex.res.writeHead(status, { ...headers, "content-length": String(length) });
  if (head || length === 0) {
    ex.res.end();
    return;
  }
  const stream = createReadStream(ex.store.dataPath(ex.bucket, meta), range ?? {});
  await pipeline(stream, ex.res).catch(() => ex.res.destroy());
}

export async function deleteObject(ex: Exchange): Promise<void> {
  requireKey(ex);
  ex.store.bucketRecord(ex.bucket);
  const ifMatch = header(ex.req, "if-match");
  const guard: WriteGuard = {};
  if (ifMatch !== undefined) {
    guard.precondition = (current) => {
      const wanted = ifMatch.trim().replace(/^"(.*)"$/, "$1");
      if (!current) throw new S3Error("NoSuchKey", { Key: ex.key });
      if (wanted !== "*" && current.etag !== wanted)
        throw new S3Error("PreconditionFailed", { Condition: "If-Match" });
    };
  }
  await ex.store.delete(ex.bucket, ex.key, guard);
  sendEmpty(ex, 204);
}

/** `x-amz-copy-source: /bucket/key` (URL-encoded, leading slash optional, ?versionId not supported). */
export function parseCopySource(value: string): { bucket: string; key: string } {
  const [path = "", query] = value.split("?");
  if (query !== undefined && query !== "") {
    throw new S3Error(
      "NotImplemented",
      { Header: "x-amz-copy-source" },
      "Copying a specific version is not supported by this store.",
    );
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ""));
  } catch {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "x-amz-copy-source" },
      "Invalid copy source encoding",
    );
  }
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "x-amz-copy-source" },
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
    );
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

export async function copyObject(ex: Exchange): Promise<void> {
  requireKey(ex);
  ex.store.bucketRecord(ex.bucket);
  const source = parseCopySource(header(ex.req, "x-amz-copy-source") as string);
  ex.store.bucketRecord(source.bucket);
  const meta = ex.store.head(source.bucket, source.key);
  if (!meta) throw new S3Error("NoSuchKey", { Key: source.key });
  checkRead(ex.req.headers, meta, COPY_SOURCE_READ, true);
  const directive = header(ex.req, "x-amz-metadata-directive") ?? "COPY";
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "x-amz-metadata-directive", ArgumentValue: directive },
      "Unknown metadata directive.",
    );
  }
  if (source.bucket === ex.bucket && source.key === ex.key && directive === "COPY") {
    throw new S3Error(
      "InvalidRequest",
      {},
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const guard = writeGuard(ex);
  const described =
    directive === "REPLACE"
      ? describedObject(ex.req)
      : { contentType: meta.contentType, headers: meta.headers, metadata: meta.metadata };
  const file = ex.store.tmpFile();
  try {
    await copyFile(ex.store.dataPath(source.bucket, meta), file);
    const copied = await ex.store.commit(
      ex.bucket,
      ex.key,
      file,
      { ...described, etag: meta.etag, size: meta.size },
      guard,
    );
    sendXml(
      ex,
      xmlDocument("CopyObjectResult", { LastModified: copied.lastModified, ETag: quoted(copied.etag) }, true),
    );
  } finally {
    await rm(file, { force: true });
  }
}
