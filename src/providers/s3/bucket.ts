/**
 * s3.bucket: an S3 bucket with its versioning and lifecycle rules, identified by its name (bucket names
 * are the deterministic names crash recovery needs, so `find` is a HEAD by name). Encryption is not
 * managed: S3 encrypts every new object with SSE-S3 (AES-256) by default and it cannot be turned off,
 * which is what `encryption: true` asks for (see docs/decisions.md). A store that cannot enable
 * versioning (the sandbox's answers 501) gets a clear error naming the field. With `keepOnDestroy`,
 * delete leaves the bucket and its objects where they are; otherwise it deletes an empty bucket and
 * refuses a non-empty one rather than erase data.
 */
import {
  type LifecycleRule as ApiLifecycleRule,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { canonicalJson, change, type ResourceKind } from "../../engine/resource.ts";
import { UserError } from "../../errors.ts";

export interface BucketLifecycleRule {
  prefix: string;
  expireDays?: number;
  noncurrentExpireDays?: number;
  abortUploadsDays: number;
}

export interface BucketInput {
  name: string;
  versioning: boolean;
  lifecycle: BucketLifecycleRule[];
  keepOnDestroy: boolean;
}

export interface ObservedBucket {
  name: string;
  versioning: boolean;
  lifecycle: BucketLifecycleRule[];
  /** Carried from the input, so a delete planned from state alone still knows to keep the bucket. */
  keepOnDestroy: boolean;
}

type Ctx = { s3?: S3Client };

function client(ctx: Ctx): S3Client {
  if (!ctx.s3) throw new UserError("the stack has buckets but no S3 client was set up");
  return ctx.s3;
}

function code(error: unknown): string | undefined {
  return error instanceof S3ServiceException ? error.name : undefined;
}

function s3Error(doing: string, error: unknown): Error {
  if (!(error instanceof S3ServiceException)) return error as Error;
  const status = error.$metadata.httpStatusCode;
  return new UserError(
    `S3: ${doing} failed: ${error.message || error.name} (${error.name}, HTTP ${status})`,
    {
      cause: error,
    },
  );
}

export function toApiLifecycle(rules: readonly BucketLifecycleRule[]): ApiLifecycleRule[] {
  return rules.map((r, i) => ({
    ID: `slipway-${i + 1}`,
    Status: "Enabled",
    Filter: { Prefix: r.prefix },
    ...(r.expireDays !== undefined ? { Expiration: { Days: r.expireDays } } : {}),
    ...(r.noncurrentExpireDays !== undefined
      ? { NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentExpireDays } }
      : {}),
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortUploadsDays },
  }));
}

export function fromApiLifecycle(rules: readonly ApiLifecycleRule[]): BucketLifecycleRule[] {
  return rules
    .filter((r) => r.Status === "Enabled")
    .map((r) => ({
      prefix: r.Filter?.Prefix ?? r.Prefix ?? "",
      ...(r.Expiration?.Days !== undefined ? { expireDays: r.Expiration.Days } : {}),
      ...(r.NoncurrentVersionExpiration?.NoncurrentDays !== undefined
        ? { noncurrentExpireDays: r.NoncurrentVersionExpiration.NoncurrentDays }
        : {}),
      abortUploadsDays: r.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? 0,
    }));
}

/** Rules as sorted canonical strings: their order and ids carry no meaning. */
const ruleKeys = (rules: readonly BucketLifecycleRule[]) => rules.map((r) => canonicalJson(r)).sort();

async function readBucket(ctx: Ctx, name: string, keepOnDestroy: boolean): Promise<ObservedBucket | null> {
  const s3 = client(ctx);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch (error) {
    if (code(error) === "NotFound" || code(error) === "NoSuchBucket") return null;
    throw s3Error(`read bucket ${name}`, error);
  }
  try {
    // Both at once: a no-op plan waits on the slower of the two, not their sum.
    const [versioning, lifecycle] = await Promise.all([
      s3.send(new GetBucketVersioningCommand({ Bucket: name })),
      s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name })).then(
        (found) => fromApiLifecycle(found.Rules ?? []),
        (error: unknown) => {
          if (code(error) === "NoSuchLifecycleConfiguration") return [];
          throw error;
        },
      ),
    ]);
    return { name, versioning: versioning.Status === "Enabled", lifecycle, keepOnDestroy };
  } catch (error) {
    throw s3Error(`read bucket ${name}`, error);
  }
}

async function setVersioning(ctx: Ctx, want: BucketInput): Promise<void> {
  try {
    await client(ctx).send(
      new PutBucketVersioningCommand({
        Bucket: want.name,
        VersioningConfiguration: { Status: want.versioning ? "Enabled" : "Suspended" },
      }),
    );
  } catch (error) {
    if (code(error) === "NotImplemented") {
      throw new UserError(
        `versioning of bucket ${want.name}: this S3 store cannot ${want.versioning ? "enable" : "suspend"} versioning (NotImplemented)`,
        {
          hint: "The sandbox's S3 store keeps no versions; set versioning: false for it (e.g. in an environment), or use a store that supports versioning (AWS, Hetzner Object Storage).",
          cause: error,
        },
      );
    }
    throw s3Error(`set versioning of bucket ${want.name}`, error);
  }
}

async function setLifecycle(ctx: Ctx, want: BucketInput): Promise<void> {
  const s3 = client(ctx);
  try {
    if (want.lifecycle.length === 0) await s3.send(new DeleteBucketLifecycleCommand({ Bucket: want.name }));
    else
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: want.name,
          LifecycleConfiguration: { Rules: toApiLifecycle(want.lifecycle) },
        }),
      );
  } catch (error) {
    throw s3Error(`set lifecycle rules of bucket ${want.name}`, error);
  }
}

export const bucket: ResourceKind<BucketInput, ObservedBucket, Ctx> = {
  kind: "s3.bucket",
  id: (b) => b.name,

  read: (ctx, id, want) => readBucket(ctx, id, want.keepOnDestroy),
  find: (ctx, want) => readBucket(ctx, want.name, want.keepOnDestroy),

  diff(want, have) {
    return [
      ...change("name", have.name, want.name, { forcesReplace: true }),
      ...change("versioning", have.versioning, want.versioning),
      ...change("lifecycle", ruleKeys(have.lifecycle), ruleKeys(want.lifecycle)),
      ...change("keepOnDestroy", have.keepOnDestroy, want.keepOnDestroy),
    ];
  },

  describe: (want) => ({
    name: want.name,
    versioning: want.versioning,
    lifecycle: want.lifecycle.length,
    keepOnDestroy: want.keepOnDestroy,
  }),

  async create(ctx, want) {
    try {
      // Created in the client's region (AWS_REGION); us-east-1 is the one AWS wants left unnamed.
      const region = await client(ctx).config.region();
      await client(ctx).send(
        new CreateBucketCommand({
          Bucket: want.name,
          ...(region !== "us-east-1"
            ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
            : {}),
        }),
      );
    } catch (error) {
      if (code(error) !== "BucketAlreadyOwnedByYou") {
        const taken = code(error) === "BucketAlreadyExists";
        if (taken) {
          throw new UserError(`bucket name ${want.name} is taken by another account`, {
            hint: "Bucket names are global on AWS: set buckets.<key>.name to another name.",
            cause: error,
          });
        }
        throw s3Error(`create bucket ${want.name}`, error);
      }
    }
    if (want.versioning) await setVersioning(ctx, want);
    if (want.lifecycle.length > 0) await setLifecycle(ctx, want);
    const observed = await readBucket(ctx, want.name, want.keepOnDestroy);
    if (!observed) throw new Error(`bucket ${want.name} vanished right after it was created`);
    return observed;
  },

  async update(ctx, have, want, changes) {
    const changed = new Set(changes.map((c) => c.path));
    if (changed.has("versioning")) await setVersioning(ctx, want);
    if (changed.has("lifecycle")) await setLifecycle(ctx, want);
    const final = await readBucket(ctx, want.name, want.keepOnDestroy);
    if (!final) throw new Error(`bucket ${have.name} vanished while it was being updated`);
    return final;
  },

  async delete(ctx, have) {
    if (have.keepOnDestroy) return;
    try {
      await client(ctx).send(new DeleteBucketCommand({ Bucket: have.name }));
    } catch (error) {
      if (code(error) === "NoSuchBucket") return;
      if (code(error) === "BucketNotEmpty") {
        throw new UserError(`bucket ${have.name} is not empty; slipway does not delete objects`, {
          hint: "Empty it yourself if its data can go, or set keepOnDestroy: true to leave it.",
          cause: error,
        });
      }
      throw s3Error(`delete bucket ${have.name}`, error);
    }
  },

  deleteNote: (have) =>
    have.keepOnDestroy
      ? `kept: keepOnDestroy leaves bucket ${have.name} and its objects in place`
      : undefined,
};
