/**
 * Service and bucket operations: ListBuckets, CreateBucket (a LocationConstraint, if sent, must name
 * the store's region), HeadBucket, DeleteBucket (only when empty), GetBucketLocation, the lifecycle
 * configuration, ListObjects V1 and V2, and DeleteObjects (which S3 only takes with an integrity header).
 */
import { createHash } from "node:crypto";
import { receiveSmall } from "./body.ts";
import { S3Error } from "./errors.ts";
import { type Exchange, header, quoted, sendEmpty, sendXml } from "./http.ts";
import { validateLifecycle } from "./lifecycle.ts";
import { decodeToken, encodeToken, keyEncoder, listPage, parseMaxKeys } from "./listing.ts";
import {
  childElements,
  childText,
  escapeXml,
  parseXml,
  renderElement,
  type XmlElement,
  type XmlFields,
  xmlDocument,
} from "./xml.ts";

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validBucketName(name: string): boolean {
  return (
    BUCKET_NAME.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith("xn--")
  );
}

const OWNER_ID = createHash("sha256").update("slipway sandbox account").digest("hex");

export function owner(_ex?: Exchange): XmlFields {
  return { ID: OWNER_ID, DisplayName: "sandbox" };
}

async function xmlBody(ex: Exchange): Promise<XmlElement | undefined> {
  const body = (await receiveSmall(ex.req, ex.auth)).toString("utf8");
  if (body.trim() === "") return undefined;
  try {
    return parseXml(body);
  } catch {
    throw new S3Error("MalformedXML");
  }
}

export function listBuckets(ex: Exchange): void {
  const buckets = ex.store.listBuckets().map((b) => ({ Name: b.name, CreationDate: b.created }));
  sendXml(
    ex,
    xmlDocument("ListAllMyBucketsResult", { Owner: owner(ex), Buckets: { Bucket: buckets } }, true),
  );
}

export async function createBucket(ex: Exchange): Promise<void> {
  if (!validBucketName(ex.bucket)) throw new S3Error("InvalidBucketName", { BucketName: ex.bucket });
  const config = await xmlBody(ex);
  const constraint = config ? childText(config, "LocationConstraint") : undefined;
  if (constraint !== undefined && constraint !== ex.settings.region) {
    throw new S3Error(
      "IllegalLocationConstraintException",
      {},
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  await ex.store.createBucket(ex.bucket);
  sendEmpty(ex, 200, { location: `/${ex.bucket}` });
}

export function headBucket(ex: Exchange): void {
  ex.store.bucketRecord(ex.bucket);
  sendEmpty(ex, 200, { "x-amz-bucket-region": ex.settings.region });
}

export async function deleteBucket(ex: Exchange): Promise<void> {
  await ex.store.deleteBucket(ex.bucket);
  sendEmpty(ex, 204);
}

export function bucketLocation(ex: Exchange): void {
  ex.store.bucketRecord(ex.bucket);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${escapeXml(ex.settings.region)}</LocationConstraint>`;
  sendXml(ex, xml);
}

/** Versioning is never enabled here, which S3 reports as an empty configuration. */
export function bucketVersioning(ex: Exchange): void {
  ex.store.bucketRecord(ex.bucket);
  sendXml(ex, xmlDocument("VersioningConfiguration", {}, true));
}

export async function putLifecycle(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  requireIntegrityHeader(ex);
  const config = await xmlBody(ex);
  if (!config) throw new S3Error("MalformedXML");
  validateLifecycle(config);
  await ex.store.setLifecycle(ex.bucket, renderElement(config, true));
  sendEmpty(ex, 200);
}

export function getLifecycle(ex: Exchange): void {
  const { lifecycle } = ex.store.bucketRecord(ex.bucket);
  if (lifecycle === undefined) throw new S3Error("NoSuchLifecycleConfiguration", { BucketName: ex.bucket });
  sendXml(ex, `<?xml version="1.0" encoding="UTF-8"?>\n${lifecycle}`);
}

export async function deleteLifecycle(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  await ex.store.setLifecycle(ex.bucket, undefined);
  sendEmpty(ex, 204);
}

/** S3 refuses DeleteObjects and lifecycle writes that carry neither Content-MD5 nor a checksum. */
function requireIntegrityHeader(ex: Exchange): void {
  const names = [
    "content-md5",
    "x-amz-checksum-crc32",
    "x-amz-checksum-crc32c",
    "x-amz-checksum-sha1",
    "x-amz-checksum-sha256",
    "x-amz-checksum-crc64nvme",
  ];
  const trailer = header(ex.req, "x-amz-trailer") ?? "";
  if (!names.some((name) => header(ex.req, name) !== undefined || trailer.includes(name))) {
    throw new S3Error(
      "InvalidRequest",
      {},
      "Missing required header for this request: Content-MD5 or x-amz-checksum-*",
    );
  }
}

export function listObjects(ex: Exchange, version: 1 | 2): void {
  ex.store.bucketRecord(ex.bucket);
  const q = ex.query;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const maxKeys = parseMaxKeys(q.get("max-keys"));
  const encode = keyEncoder(q.get("encoding-type"));
  const token = q.get("continuation-token");
  const after =
    version === 2
      ? token !== null
        ? decodeToken(token)
        : (q.get("start-after") ?? "")
      : (q.get("marker") ?? "");
  const page = listPage(ex.store.sortedKeys(ex.bucket), { prefix, delimiter, maxKeys, after });
  const withOwner = version === 1 || q.get("fetch-owner") === "true";
  const contents = page.keys.map((key) => {
    const meta = ex.store.head(ex.bucket, key)!;
    return {
      Key: encode(key),
      LastModified: meta.lastModified,
      ETag: quoted(meta.etag),
      Size: meta.size,
      Owner: withOwner ? owner(ex) : undefined,
      StorageClass: "STANDARD",
    };
  });
  const common = page.commonPrefixes.map((p) => ({ Prefix: encode(p) }));
  const opt = (value: string | null | undefined) =>
    value === null || value === undefined || value === "" ? undefined : encode(value);
  const fields: XmlFields =
    version === 2
      ? {
          Name: ex.bucket,
          Prefix: encode(prefix),
          Delimiter: opt(delimiter),
          MaxKeys: maxKeys,
          EncodingType: q.get("encoding-type") ?? undefined,
          KeyCount: contents.length + common.length,
          IsTruncated: page.isTruncated,
          ContinuationToken: token ?? undefined,
          NextContinuationToken:
            page.isTruncated && page.last !== undefined ? encodeToken(page.last) : undefined,
          StartAfter: opt(q.get("start-after")),
          Contents: contents,
          CommonPrefixes: common,
        }
      : {
          Name: ex.bucket,
          Prefix: encode(prefix),
          Marker: encode(q.get("marker") ?? ""),
          NextMarker: page.isTruncated && delimiter !== "" ? opt(page.last) : undefined,
          MaxKeys: maxKeys,
          Delimiter: opt(delimiter),
          EncodingType: q.get("encoding-type") ?? undefined,
          IsTruncated: page.isTruncated,
          Contents: contents,
          CommonPrefixes: common,
        };
  sendXml(ex, xmlDocument("ListBucketResult", fields, true));
}

export async function deleteObjects(ex: Exchange): Promise<void> {
  ex.store.bucketRecord(ex.bucket);
  requireIntegrityHeader(ex);
  const request = await xmlBody(ex);
  if (request?.name !== "Delete") throw new S3Error("MalformedXML");
  const objects = childElements(request, "Object");
  if (objects.length === 0 || objects.length > 1000) throw new S3Error("MalformedXML");
  const quiet = childText(request, "Quiet") === "true";
  const deleted: XmlFields[] = [];
  const errors: XmlFields[] = [];
  for (const object of objects) {
    const key = childText(object, "Key");
    if (key === undefined) throw new S3Error("MalformedXML");
    try {
      await ex.store.delete(ex.bucket, key);
      if (!quiet) deleted.push({ Key: key });
    } catch (error) {
      const e = error instanceof S3Error ? error : new S3Error("InternalError");
      errors.push({ Key: key, Code: e.code, Message: e.message });
    }
  }
  sendXml(ex, xmlDocument("DeleteResult", { Deleted: deleted, Error: errors }, true));
}
