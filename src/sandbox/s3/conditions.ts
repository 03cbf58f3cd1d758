/**
 * Conditional requests as S3 evaluates them. Reads (GET, HEAD, and a copy's source): If-Match and
 * If-Unmodified-Since fail with 412, If-None-Match and If-Modified-Since with 304, and a true If-Match
 * overrides a false If-Unmodified-Since (and a false If-None-Match a true If-Modified-Since), per RFC 7232
 * as S3 applies it. Writes (PUT, CompleteMultipartUpload, CopyObject, DELETE): `If-None-Match: *` only
 * creates, `If-Match: <etag>` only replaces that exact object, a missing object fails If-Match with 404.
 * ETags are accepted quoted or not, since Hetzner's store wants them unquoted.
 */
import { S3Error } from "./errors.ts";
import type { ObjectMeta, Precondition } from "./store.ts";

type Headers = Record<string, string | string[] | undefined>;

function one(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** The ETags of an If-Match/If-None-Match list, unquoted; "*" stays "*". */
export function etagList(value: string): string[] {
  return value
    .split(",")
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, "")
        .replace(/^"(.*)"$/, "$1"),
    )
    .filter(Boolean);
}

const matches = (list: string[], etag: string) => list.includes("*") || list.includes(etag);

/** Seconds since the epoch, as HTTP dates carry no milliseconds. */
function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export interface ReadConditionHeaders {
  ifMatch: string;
  ifNoneMatch: string;
  ifModifiedSince: string;
  ifUnmodifiedSince: string;
}

export const PLAIN_READ: ReadConditionHeaders = {
  ifMatch: "if-match",
  ifNoneMatch: "if-none-match",
  ifModifiedSince: "if-modified-since",
  ifUnmodifiedSince: "if-unmodified-since",
};

export const COPY_SOURCE_READ: ReadConditionHeaders = {
  ifMatch: "x-amz-copy-source-if-match",
  ifNoneMatch: "x-amz-copy-source-if-none-match",
  ifModifiedSince: "x-amz-copy-source-if-modified-since",
  ifUnmodifiedSince: "x-amz-copy-source-if-unmodified-since",
};

/** Throws PreconditionFailed (412) or NotModified (304) when a read condition does not hold. */
export function checkRead(
  headers: Headers,
  meta: ObjectMeta,
  names = PLAIN_READ,
  notModifiedFails = false,
): void {
  const modified = seconds(meta.lastModified);
  const ifMatch = one(headers, names.ifMatch);
  const ifNoneMatch = one(headers, names.ifNoneMatch);
  const ifModifiedSince = parseHttpDate(one(headers, names.ifModifiedSince));
  const ifUnmodifiedSince = parseHttpDate(one(headers, names.ifUnmodifiedSince));
  const fail = (condition: string) => new S3Error("PreconditionFailed", { Condition: condition });
  if (ifMatch !== undefined) {
    if (!matches(etagList(ifMatch), meta.etag))
      throw fail(names.ifMatch === "if-match" ? "If-Match" : names.ifMatch);
  } else if (ifUnmodifiedSince !== undefined && modified > ifUnmodifiedSince) {
    throw fail(names.ifUnmodifiedSince);
  }
  const notModified = () => (notModifiedFails ? fail(names.ifNoneMatch) : new S3Error("NotModified"));
  if (ifNoneMatch !== undefined) {
    if (matches(etagList(ifNoneMatch), meta.etag)) throw notModified();
  } else if (ifModifiedSince !== undefined && modified <= ifModifiedSince) {
    throw notModified();
  }
}

/** The write precondition a request carries, or undefined for an unconditional write. */
export function writePrecondition(headers: Headers, key: string): Precondition | undefined {
  const ifNoneMatch = one(headers, "if-none-match");
  const ifMatch = one(headers, "if-match");
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== "*") {
    throw new S3Error(
      "NotImplemented",
      { Header: "If-None-Match" },
      "If-None-Match on a write accepts only *.",
    );
  }
  if (ifNoneMatch === undefined && ifMatch === undefined) return undefined;
  return (current) => {
    if (ifNoneMatch !== undefined && current)
      throw new S3Error("PreconditionFailed", { Condition: "If-None-Match" });
    if (ifMatch !== undefined) {
      if (!current) throw new S3Error("NoSuchKey", { Key: key });
      if (!etagList(ifMatch).includes(current.etag))
        throw new S3Error("PreconditionFailed", { Condition: "If-Match" });
    }
  };
}
