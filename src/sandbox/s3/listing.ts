/**
 * ListObjects (V1) and ListObjectsV2 over a bucket's sorted keys: prefix, delimiter grouping into
 * CommonPrefixes (each counts against max-keys, as on AWS), a marker / start-after / continuation token
 * to resume from, and encoding-type=url, which minio-go (restic) always asks for. Pure, for tests.
 */
import { S3Error } from "./errors.ts";
import { uriEncode } from "./sigv4.ts";

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  last: string | undefined;
}

/** First index in `sorted` whose key is greater than `bound` (or equal, with `inclusive`), in byte order. */
function search(sorted: string[], bound: string, inclusive: boolean): number {
  const target = Buffer.from(bound);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const cmp = Buffer.compare(Buffer.from(sorted[mid] as string), target);
    if (cmp < 0 || (cmp === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listPage(
  sorted: string[],
  options: { prefix: string; delimiter: string; maxKeys: number; after: string },
): ListPage {
  const { prefix, delimiter, maxKeys, after } = options;
  const page: ListPage = { keys: [], commonPrefixes: [], isTruncated: false, last: undefined };
  const start = Math.max(after === "" ? 0 : search(sorted, after, false), search(sorted, prefix, true));
  // Resuming after a common prefix skips every key under it.
  let grouped = delimiter !== "" && after.startsWith(prefix) && after.endsWith(delimiter) ? after : undefined;
  for (let i = start; i < sorted.length; i++) {
    const key = sorted[i] as string;
    if (!key.startsWith(prefix)) break; // keys under a prefix are contiguous in sorted order
    if (grouped !== undefined && key.startsWith(grouped)) continue;
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
    const item = cut < 0 ? key : key.slice(0, cut + delimiter.length);
    if (page.keys.length + page.commonPrefixes.length >= maxKeys) {
      page.isTruncated = true;
      break;
    }
    if (cut < 0) page.keys.push(key);
    else {
      page.commonPrefixes.push(item);
      grouped = item;
    }
    page.last = item;
  }
  return page;
}

export function parseMaxKeys(value: string | null): number {
  if (value === null) return 1000;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "max-keys", ArgumentValue: value },
      "Provided max-keys not an integer or within integer range",
    );
  }
  return Math.min(n, 1000);
}

export function encodeToken(last: string): string {
  return Buffer.from(`v1:${last}`).toString("base64url");
}

export function decodeToken(token: string): string {
  const decoded = Buffer.from(token, "base64url").toString();
  if (!decoded.startsWith("v1:")) {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "continuation-token" },
      "The continuation token provided is incorrect",
    );
  }
  return decoded.slice(3);
}

/** encoding-type=url: keys and prefixes percent-encoded, "/" kept. */
export function keyEncoder(encodingType: string | null): (text: string) => string {
  if (encodingType === null) return (text) => text;
  if (encodingType !== "url") {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "encoding-type", ArgumentValue: encodingType },
      "Invalid Encoding Method specified in Request",
    );
  }
  return (text) => text.split("/").map(uriEncode).join("/");
}
