/**
 * S3 buckets (AWS, Hetzner Object Storage or any S3 endpoint from AWS_ENDPOINT_URL_S3). A bucket keeps
 * its data when the stack is destroyed unless `keepOnDestroy: false`, because it usually holds the backups
 * you would need after the mistake.
 */
import { z } from "zod";
import { integer, text } from "./primitives.ts";

export const BUCKET_NAME = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

export const LifecycleRule = z.strictObject({
  /** Objects under this key prefix. Default "" (all). @example "tmp/" */
  prefix: z.string({ error: 'expected a key prefix such as "tmp/"' }).default(""),
  /** Delete current objects this many days after creation. @example 90 */
  expireDays: integer(1, 36500, 90).optional(),
  /** Delete old versions this many days after they were replaced (versioned buckets). @example 30 */
  noncurrentExpireDays: integer(1, 36500, 30).optional(),
  /** Abort unfinished multipart uploads after this many days. Default 7. */
  abortUploadsDays: integer(1, 365, 7).default(7),
});
export type LifecycleRule = z.infer<typeof LifecycleRule>;

export const Bucket = z
  .strictObject({
    /** The real bucket name (global on AWS). Default "<stack>-<key>". @example "acme-backups-eu" */
    name: text(
      BUCKET_NAME,
      'expected a bucket name of 3-63 lowercase letters, digits, dots or dashes such as "acme-backups"',
    ).optional(),
    /** Keep every version of every object. Default false. */
    versioning: z.boolean({ error: "expected true or false" }).default(false),
    /** Server-side encryption (SSE-S3, AES-256). Default true. */
    encryption: z.boolean({ error: "expected true or false" }).default(true),
    /** Expiry rules. Default []. @example [{ prefix: "tmp/", expireDays: 7 }] */
    lifecycle: z
      .array(LifecycleRule, { error: "expected a list of rules such as [{ expireDays: 90 }]" })
      .default([]),
    /** Leave the bucket and its objects in place on `slipway destroy`. Default true. */
    keepOnDestroy: z.boolean({ error: "expected true or false" }).default(true),
  })
  .superRefine((bucket, ctx) => {
    bucket.lifecycle.forEach((rule, i) => {
      if (rule.noncurrentExpireDays !== undefined && !bucket.versioning) {
        ctx.addIssue({
          code: "custom",
          path: ["lifecycle", i, "noncurrentExpireDays"],
          message: "only applies to versioned buckets; set versioning: true or remove it",
        });
      }
    });
  });
export type Bucket = z.infer<typeof Bucket>;
