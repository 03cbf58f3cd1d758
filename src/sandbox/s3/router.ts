/**
 * Which S3 operation a request is: the bucket comes from the Host (virtual-hosted style,
 * `<bucket>.<domain>`) or from the first path segment (path style), then method and sub-resource pick
 * the operation. Sub-resources this store does not keep (ACLs, policies, tagging, versioning, …) answer
 * 501 NotImplemented rather than pretending to work.
 */
import * as buckets from "./bucket-routes.ts";
import { S3Error } from "./errors.ts";
import type { Exchange } from "./http.ts";
import * as multipart from "./multipart-routes.ts";
import * as objects from "./object-routes.ts";
import { splitUrl } from "./sigv4.ts";

export interface Target {
  bucket: string;
  key: string;
}

export function resolveTarget(
  url: string,
  host: string | undefined,
  virtualHostDomain: string | undefined,
): Target {
  const [rawPath] = splitUrl(url);
  const path = rawPath
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new S3Error("InvalidArgument", {}, "The request path is not valid percent-encoding");
      }
    })
    .join("/");
  const hostname = (host ?? "").replace(/:\d+$/, "").toLowerCase();
  if (virtualHostDomain && hostname.endsWith(`.${virtualHostDomain}`)) {
    return { bucket: hostname.slice(0, -virtualHostDomain.length - 1), key: path.slice(1) };
  }
  const rest = path.slice(1);
  const slash = rest.indexOf("/");
  return slash < 0 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

const UNSUPPORTED = [
  "acl",
  "policy",
  "tagging",
  "versions",
  "cors",
  "website",
  "logging",
  "notification",
  "replication",
  "encryption",
  "object-lock",
  "retention",
  "legal-hold",
  "torrent",
  "accelerate",
  "requestPayment",
  "ownershipControls",
  "publicAccessBlock",
  "analytics",
  "metrics",
  "inventory",
  "intelligent-tiering",
  "restore",
  "select",
  "attributes",
];

export async function dispatch(ex: Exchange): Promise<void> {
  const { method } = ex.req;
  const q = ex.query;
  const unsupported = UNSUPPORTED.find((name) => q.has(name));
  if (unsupported)
    throw new S3Error(
      "NotImplemented",
      { Resource: `?${unsupported}` },
      `The ?${unsupported} sub-resource is not implemented by the sandbox's S3 store.`,
    );
  if (ex.bucket === "") {
    if (method === "GET") return buckets.listBuckets(ex);
    throw new S3Error("MethodNotAllowed", { Method: method ?? "", ResourceType: "SERVICE" });
  }
  if (ex.key === "") {
    switch (method) {
      case "PUT":
        if (q.has("versioning")) {
          throw new S3Error(
            "NotImplemented",
            { Resource: "?versioning" },
            "Versioning cannot be enabled in the sandbox's S3 store.",
          );
        }
        return q.has("lifecycle") ? buckets.putLifecycle(ex) : buckets.createBucket(ex);
      case "GET":
        if (q.has("lifecycle")) return buckets.getLifecycle(ex);
        if (q.has("location")) return buckets.bucketLocation(ex);
        if (q.has("versioning")) return buckets.bucketVersioning(ex);
        if (q.has("uploads")) return multipart.listMultipartUploads(ex);
        return buckets.listObjects(ex, q.get("list-type") === "2" ? 2 : 1);
      case "HEAD":
        return buckets.headBucket(ex);
      case "DELETE":
        return q.has("lifecycle") ? buckets.deleteLifecycle(ex) : buckets.deleteBucket(ex);
      case "POST":
        if (q.has("delete")) return buckets.deleteObjects(ex);
        break;
    }
    throw new S3Error("MethodNotAllowed", { Method: method ?? "", ResourceType: "BUCKET" });
  }
  switch (method) {
    case "PUT":
      if (q.has("uploadId")) {
        if (ex.req.headers["x-amz-copy-source"] !== undefined) {
          throw new S3Error(
            "NotImplemented",
            { Header: "x-amz-copy-source" },
            "UploadPartCopy is not implemented by the sandbox's S3 store.",
          );
        }
        return multipart.uploadPart(ex);
      }
      return ex.req.headers["x-amz-copy-source"] !== undefined
        ? objects.copyObject(ex)
        : objects.putObject(ex);
    case "GET":
      return q.has("uploadId") ? multipart.listParts(ex) : objects.getObject(ex, false);
    case "HEAD":
      return objects.getObject(ex, true);
    case "POST":
      if (q.has("uploads")) return multipart.createMultipartUpload(ex);
      if (q.has("uploadId")) return multipart.completeMultipartUpload(ex);
      break;
    case "DELETE":
      return q.has("uploadId") ? multipart.abortMultipartUpload(ex) : objects.deleteObject(ex);
  }
  throw new S3Error("MethodNotAllowed", { Method: method ?? "", ResourceType: "OBJECT" });
}
