/**
 * One S3 request in flight (an Exchange) and the ways to answer it. Every answer carries
 * x-amz-request-id and x-amz-id-2 like AWS's; errors are XML except on HEAD, which has no body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, S3Error } from "./errors.ts";
import type { Uploads } from "./multipart.ts";
import type { Authentication } from "./sigv4.ts";
import type { ObjectMeta, S3Store } from "./store.ts";

export interface S3Settings {
  region: string;
  maxObjectSize: number;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  auth: Authentication;
  store: S3Store;
  uploads: Uploads;
  settings: S3Settings;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export function sendXml(ex: Exchange, xml: string, status = 200, headers: Record<string, string> = {}): void {
  ex.res.writeHead(status, {
    ...headers,
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(xml),
  });
  ex.res.end(xml);
}

export function sendEmpty(ex: Exchange, status: number, headers: Record<string, string> = {}): void {
  ex.res.writeHead(status, headers);
  ex.res.end();
}

/** Lets the client finish sending a body we will not read, so it sees our answer rather than a reset. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    req.once("end", () => {
      clearTimeout(timer);
      resolve();
    });
    req.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    req.resume();
  });
}

export async function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: S3Error,
  requestId: string,
): Promise<void> {
  await drain(req);
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (error.code === "NotModified") {
    res.writeHead(304, error.details);
    res.end();
    return;
  }
  if (req.method === "HEAD") {
    res.writeHead(error.status);
    res.end();
    return;
  }
  const body = errorBody(error, requestId);
  res.writeHead(error.status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

export const quoted = (etag: string) => `"${etag}"`;

export const httpDate = (iso: string) => new Date(iso).toUTCString();

/** The object's own headers as GET and HEAD return them. */
export function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    etag: quoted(meta.etag),
    "last-modified": httpDate(meta.lastModified),
    "content-type": meta.contentType,
    "accept-ranges": "bytes",
    ...meta.headers,
  };
  for (const [name, value] of Object.entries(meta.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

const STORED_HEADERS = ["cache-control", "content-disposition", "content-language", "expires"];

/** What a PUT, CreateMultipartUpload or CopyObject (REPLACE) says about the object besides its data. */
export function describedObject(req: IncomingMessage): {
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
} {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(req, name);
    if (value !== undefined) headers[name] = value;
  }
  // aws-chunked describes the transfer, not the object: S3 drops it from the stored Content-Encoding.
  const encoding = (header(req, "content-encoding") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "" && e !== "aws-chunked")
    .join(",");
  if (encoding !== "") headers["content-encoding"] = encoding;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith("x-amz-meta-") && value !== undefined)
      metadata[name.slice(11)] = Array.isArray(value) ? value.join(",") : value;
  }
  return { contentType: header(req, "content-type") ?? "binary/octet-stream", headers, metadata };
}

export function requireKey(ex: Exchange): void {
  if (Buffer.byteLength(ex.key) > 1024)
    throw new S3Error("KeyTooLongError", { Size: String(Buffer.byteLength(ex.key)), MaxSizeAllowed: "1024" });
}
