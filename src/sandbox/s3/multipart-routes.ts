/**
 * Multipart upload operations: CreateMultipartUpload, UploadPart, CompleteMultipartUpload (conditional
 * with If-None-Match / If-Match like PutObject), AbortMultipartUpload, ListParts, ListMultipartUploads.
 */
import { rm } from "node:fs/promises";
import { receiveSmall, receiveToFile } from "./body.ts";
import { owner } from "./bucket-routes.ts";
import { S3Error } from "./errors.ts";
import { describedObject, type Exchange, quoted, requireKey, sendEmpty, sendXml } from "./http.ts";
import { MAX_PARTS } from "./multipart.ts";
import { writeGuard } from "./object-routes.ts";
import { childElements, childText, parseXml, xmlDocument } from "./xml.ts";

const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;

export async function createMultipartUpload(ex: Exchange): Promise<void> {
  requireKey(ex);
  ex.store.bucketRecord(ex.bucket);
  const upload = await ex.uploads.create(ex.bucket, ex.key, describedObject(ex.req));
  sendXml(
    ex,
    xmlDocument(
      "InitiateMultipartUploadResult",
      { Bucket: ex.bucket, Key: ex.key, UploadId: upload.id },
      true,
    ),
  );
}

function partNumber(ex: Exchange): number {
  const text = ex.query.get("partNumber") ?? "";
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_PARTS) {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: "partNumber", ArgumentValue: text },
      `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`,
    );
  }
  return n;
}

export async function uploadPart(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  const upload = ex.uploads.get(ex.bucket, ex.key, ex.query.get("uploadId") ?? "");
  const number = partNumber(ex);
  const file = ex.store.tmpFile();
  try {
    const body = await receiveToFile(ex.req, ex.auth, file, MAX_PART_SIZE);
    const part = await ex.uploads.putPart(
      upload,
      { partNumber: number, etag: body.md5, size: body.size },
      file,
    );
    sendEmpty(ex, 200, { etag: quoted(part.etag) });
  } finally {
    await rm(file, { force: true });
  }
}

export async function completeMultipartUpload(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  const upload = ex.uploads.get(ex.bucket, ex.key, ex.query.get("uploadId") ?? "");
  const guard = writeGuard(ex);
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml((await receiveSmall(ex.req, ex.auth)).toString("utf8"));
  } catch (error) {
    if (error instanceof S3Error) throw error;
    throw new S3Error("MalformedXML");
  }
  if (root.name !== "CompleteMultipartUpload") throw new S3Error("MalformedXML");
  const parts = childElements(root, "Part").map((part) => {
    const number = Number(childText(part, "PartNumber"));
    const etag = (childText(part, "ETag") ?? "").trim().replace(/^"(.*)"$/, "$1");
    if (!Number.isInteger(number)) throw new S3Error("MalformedXML");
    return { partNumber: number, etag };
  });
  const meta = await ex.uploads.complete(ex.store, upload, parts, guard);
  const host = ex.req.headers.host ?? "localhost";
  sendXml(
    ex,
    xmlDocument(
      "CompleteMultipartUploadResult",
      {
        Location: `https://${host}/${ex.bucket}/${encodeURI(ex.key)}`,
        Bucket: ex.bucket,
        Key: ex.key,
        ETag: quoted(meta.etag),
      },
      true,
    ),
  );
}

export async function abortMultipartUpload(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  await ex.uploads.abort(ex.uploads.get(ex.bucket, ex.key, ex.query.get("uploadId") ?? ""));
  sendEmpty(ex, 204);
}

export async function listParts(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  const upload = ex.uploads.get(ex.bucket, ex.key, ex.query.get("uploadId") ?? "");
  const marker = Number(ex.query.get("part-number-marker") ?? "0") || 0;
  const maxParts = Math.min(Number(ex.query.get("max-parts") ?? "1000") || 1000, 1000);
  const after = (await ex.uploads.parts(upload)).filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  sendXml(
    ex,
    xmlDocument(
      "ListPartsResult",
      {
        Bucket: ex.bucket,
        Key: ex.key,
        UploadId: upload.id,
        Initiator: owner(),
        Owner: owner(),
        StorageClass: "STANDARD",
        PartNumberMarker: marker,
        NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
        MaxParts: maxParts,
        IsTruncated: truncated,
        Part: page.map((p) => ({
          PartNumber: p.partNumber,
          LastModified: p.lastModified,
          ETag: quoted(p.etag),
          Size: p.size,
        })),
      },
      true,
    ),
  );
}

export function listMultipartUploads(ex: Exchange): void {
  ex.store.bucketRecord(ex.bucket);
  const prefix = ex.query.get("prefix") ?? "";
  const uploads = ex.uploads.list(ex.bucket).filter((u) => u.key.startsWith(prefix));
  sendXml(
    ex,
    xmlDocument(
      "ListMultipartUploadsResult",
      {
        Bucket: ex.bucket,
        KeyMarker: "",
        UploadIdMarker: "",
        Prefix: prefix,
        MaxUploads: 1000,
        IsTruncated: false,
        Upload: uploads.slice(0, 1000).map((u) => ({
          Key: u.key,
          UploadId: u.id,
          Initiator: owner(),
          Owner: owner(),
          StorageClass: "STANDARD",
          Initiated: u.initiated,
        })),
      },
      true,
    ),
  );
}
