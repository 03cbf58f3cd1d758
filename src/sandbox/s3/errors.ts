/**
 * S3's error model: an HTTP status, a stable `Code` clients branch on, and an XML body
 * (`<Error><Code/><Message/>…</Error>`). Codes, statuses and messages are AWS's own, so a client's
 * error handling meets in the sandbox exactly what it meets in the cloud.
 */
import { xmlDocument } from "./xml.ts";

const CATALOG = {
  AccessDenied: [403, "Access Denied"],
  AuthorizationHeaderMalformed: [400, "The authorization header is malformed."],
  AuthorizationQueryParametersError: [400, "Error parsing the X-Amz-Credential parameter."],
  BadDigest: [
    400,
    "The Content-MD5 or checksum value that you specified did not match what the server received.",
  ],
  BucketAlreadyOwnedByYou: [
    409,
    "Your previous request to create the named bucket succeeded and you already own it.",
  ],
  BucketNotEmpty: [409, "The bucket you tried to delete is not empty"],
  ConditionalRequestConflict: [
    409,
    "A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part.",
  ],
  EntityTooLarge: [400, "Your proposed upload exceeds the maximum allowed size"],
  EntityTooSmall: [400, "Your proposed upload is smaller than the minimum allowed object size."],
  IllegalLocationConstraintException: [
    400,
    "The specified location-constraint is not valid for this request.",
  ],
  IncompleteBody: [
    400,
    "You did not provide the number of bytes specified by the Content-Length HTTP header.",
  ],
  InternalError: [500, "We encountered an internal error. Please try again."],
  InvalidAccessKeyId: [403, "The AWS Access Key Id you provided does not exist in our records."],
  InvalidArgument: [400, "Invalid Argument"],
  InvalidBucketName: [400, "The specified bucket is not valid."],
  InvalidDigest: [400, "The Content-MD5 you specified is not valid."],
  InvalidPart: [
    400,
    "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  ],
  InvalidPartOrder: [
    400,
    "The list of parts was not in ascending order. Parts must be ordered by part number.",
  ],
  InvalidRange: [416, "The requested range is not satisfiable"],
  InvalidRequest: [400, "Invalid Request"],
  KeyTooLongError: [400, "Your key is too long"],
  MalformedXML: [
    400,
    "The XML you provided was not well-formed or did not validate against our published schema",
  ],
  MethodNotAllowed: [405, "The specified method is not allowed against this resource."],
  MissingContentLength: [411, "You must provide the Content-Length HTTP header."],
  NoSuchBucket: [404, "The specified bucket does not exist"],
  NoSuchKey: [404, "The specified key does not exist."],
  NoSuchLifecycleConfiguration: [404, "The lifecycle configuration does not exist"],
  NoSuchUpload: [
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  ],
  NotImplemented: [501, "A header or query you provided implies functionality that is not implemented."],
  NotModified: [304, "Not Modified"],
  PreconditionFailed: [412, "At least one of the pre-conditions you specified did not hold"],
  RequestTimeTooSkewed: [403, "The difference between the request time and the current time is too large."],
  ServiceUnavailable: [503, "Service is unable to handle request."],
  SignatureDoesNotMatch: [
    403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  ],
  SlowDown: [503, "Please reduce your request rate."],
  XAmzContentSHA256Mismatch: [
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ],
} as const satisfies Record<string, readonly [number, string]>;

export type S3ErrorCode = keyof typeof CATALOG;

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  /** Extra elements AWS adds to this error's body (Key, BucketName, Condition, …). */
  readonly details: Record<string, string>;

  constructor(code: S3ErrorCode, details: Record<string, string> = {}, message?: string, status?: number) {
    const [standardStatus, standard] = CATALOG[code];
    super(message ?? standard);
    this.name = "S3Error";
    this.code = code;
    this.status = status ?? standardStatus;
    this.details = details;
  }
}

export function errorBody(error: S3Error, requestId: string): string {
  return xmlDocument("Error", {
    Code: error.code,
    Message: error.message,
    ...error.details,
    RequestId: requestId,
    HostId: Buffer.from(requestId).toString("base64"),
  });
}
