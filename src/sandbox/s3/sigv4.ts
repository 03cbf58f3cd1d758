/**
 * AWS Signature Version 4 as S3 checks it: from the Authorization header or from a presigned URL's
 * query. S3 canonicalises the path once (no double encoding, unlike other AWS services) and signs the
 * payload's SHA-256 in `x-amz-content-sha256`, which may instead say UNSIGNED-PAYLOAD or one of the
 * STREAMING-… forms whose chunks are verified later (chunked.ts) against the seed signature found here.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { S3Error } from "./errors.ts";

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const MAX_SKEW_MS = 15 * 60_000;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (`req.url`). */
  url: string;
  /** Node's `req.rawHeaders`: name, value, name, value, … */
  rawHeaders: string[];
}

/** What later stages need: the payload claim and the key and chain to verify chunk signatures with. */
export interface Authentication {
  payloadHash: string;
  amzDate: string;
  scope: string;
  signingKey: Buffer;
  seedSignature: string;
  presigned: boolean;
}

export const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
export const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function canonicalUri(rawPath: string): string {
  return (
    rawPath
      .split("/")
      .map((segment) => uriEncode(safeDecode(segment)))
      .join("/") || "/"
  );
}

export function canonicalQuery(rawQuery: string, omit?: string): string {
  return rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : safeDecode(pair.slice(eq + 1));
      return [uriEncode(name), uriEncode(value)] as const;
    })
    .filter(([name]) => name !== omit)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** Header name (lower case) → canonical value: values trimmed, inner runs of spaces folded, repeats joined by ",". */
export function headerMap(rawHeaders: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = (rawHeaders[i + 1] as string).trim().replace(/\s+/g, " ");
    const previous = map.get(name);
    map.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return map;
}

export function canonicalRequest(
  request: SignedRequest,
  signedHeaders: string[],
  payloadHash: string,
  omitQuery?: string,
): string {
  const [rawPath = "/", rawQuery = ""] = splitUrl(request.url);
  const headers = headerMap(request.rawHeaders);
  return [
    request.method,
    canonicalUri(rawPath),
    canonicalQuery(rawQuery, omitQuery),
    ...signedHeaders.map((name) => `${name}:${headers.get(name) ?? ""}`),
    "",
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export function splitUrl(url: string): [string, string] {
  const q = url.indexOf("?");
  return q < 0 ? [url, ""] : [url.slice(0, q), url.slice(q + 1)];
}

export function signingKey(secret: string, date: string, region: string, service = "s3"): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join("\n");
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

interface Claim {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

function parseCredential(credential: string): Omit<Claim, "signedHeaders" | "signature" | "amzDate"> {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request") {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      {},
      `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service };
}

function headerClaim(authorization: string, headers: Map<string, string>): Claim {
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw new S3Error(
      "InvalidArgument",
      {},
      "Unsupported Authorization Type; only AWS4-HMAC-SHA256 is accepted",
    );
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      {},
      "The authorization header is malformed; it needs Credential, SignedHeaders and Signature.",
    );
  }
  const amzDate = headers.get("x-amz-date") ?? "";
  return { ...parseCredential(credential), signedHeaders: signedHeaders.split(";"), signature, amzDate };
}

function queryClaim(query: URLSearchParams, now: number): Claim {
  if (query.get("X-Amz-Algorithm") !== ALGORITHM) {
    throw new S3Error(
      "AuthorizationQueryParametersError",
      {},
      'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
    );
  }
  const amzDate = query.get("X-Amz-Date") ?? "";
  const expires = Number(query.get("X-Amz-Expires") ?? "");
  if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) {
    throw new S3Error(
      "AuthorizationQueryParametersError",
      {},
      "X-Amz-Expires must be between 1 and 604800 seconds",
    );
  }
  if (now > parseAmzDate(amzDate) + expires * 1000)
    throw new S3Error("AccessDenied", {}, "Request has expired");
  return {
    ...parseCredential(query.get("X-Amz-Credential") ?? ""),
    signedHeaders: (query.get("X-Amz-SignedHeaders") ?? "").split(";"),
    signature: query.get("X-Amz-Signature") ?? "",
    amzDate,
  };
}

export interface VerifyOptions {
  credentials: Credentials;
  region: string;
  now?: number;
  /** GetBucketLocation may be signed for us-east-1 whatever the bucket's region, as on AWS. */
  anyRegion?: boolean;
}

/** Checks a request's signature; throws the S3Error AWS would answer with. */
export function authenticate(request: SignedRequest, options: VerifyOptions): Authentication {
  const now = options.now ?? Date.now();
  const headers = headerMap(request.rawHeaders);
  const query = new URLSearchParams(splitUrl(request.url)[1]);
  const authorization = headers.get("authorization");
  const presigned = authorization === undefined && query.has("X-Amz-Signature");
  if (authorization === undefined && !presigned) throw new S3Error("AccessDenied");
  const claim = presigned ? queryClaim(query, now) : headerClaim(authorization as string, headers);

  if (claim.accessKeyId !== options.credentials.accessKeyId) {
    throw new S3Error("InvalidAccessKeyId", { AWSAccessKeyId: claim.accessKeyId });
  }
  if (claim.service !== "s3") {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      {},
      `The authorization header is malformed; incorrect service "${claim.service}". This endpoint belongs to "s3".`,
    );
  }
  if (claim.region !== options.region && !(options.anyRegion && claim.region === "us-east-1")) {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      { Region: options.region },
      `The authorization header is malformed; the region '${claim.region}' is wrong; expecting '${options.region}'`,
    );
  }
  const time = parseAmzDate(claim.amzDate);
  if (Number.isNaN(time)) {
    throw new S3Error("AccessDenied", {}, "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (!claim.amzDate.startsWith(claim.date)) {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      {},
      `The authorization header is malformed; Invalid credential date "${claim.date}". This date is not the same as X-Amz-Date: "${claim.amzDate.slice(0, 8)}".`,
    );
  }
  if (!presigned && Math.abs(now - time) > MAX_SKEW_MS) {
    throw new S3Error("RequestTimeTooSkewed", {
      RequestTime: claim.amzDate,
      ServerTime: new Date(now).toISOString(),
    });
  }
  if (!claim.signedHeaders.includes("host")) {
    throw new S3Error("AccessDenied", {}, "Host header is not signed; SignedHeaders must include host");
  }

  let payloadHash = "UNSIGNED-PAYLOAD";
  if (!presigned) {
    const claimed = headers.get("x-amz-content-sha256");
    if (claimed === undefined) {
      throw new S3Error(
        "InvalidRequest",
        {},
        "Missing required header for this request: x-amz-content-sha256",
      );
    }
    if (
      !/^[0-9a-f]{64}$/.test(claimed) &&
      !claimed.startsWith("STREAMING-") &&
      claimed !== "UNSIGNED-PAYLOAD"
    ) {
      throw new S3Error(
        "InvalidArgument",
        {},
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a SHA-256 in hex",
      );
    }
    payloadHash = claimed;
  }

  const scope = `${claim.date}/${claim.region}/s3/aws4_request`;
  const key = signingKey(options.credentials.secretAccessKey, claim.date, claim.region);
  const canonical = canonicalRequest(
    request,
    claim.signedHeaders,
    payloadHash,
    presigned ? "X-Amz-Signature" : undefined,
  );
  const expected = hmac(key, stringToSign(claim.amzDate, scope, canonical)).toString("hex");
  if (!signatureMatches(expected, claim.signature)) {
    throw new S3Error("SignatureDoesNotMatch", {
      AWSAccessKeyId: claim.accessKeyId,
      StringToSign: stringToSign(claim.amzDate, scope, canonical),
      SignatureProvided: claim.signature,
      CanonicalRequest: canonical,
    });
  }
  return {
    payloadHash,
    amzDate: claim.amzDate,
    scope,
    signingKey: key,
    seedSignature: claim.signature,
    presigned,
  };
}
