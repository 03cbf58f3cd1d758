// s3.bucket against the sandbox's S3 store in-process: lifecycle rules, versioning refusal, keepOnDestroy.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BucketInput,
  bucket,
  fromApiLifecycle,
  toApiLifecycle,
} from "../../../../src/providers/s3/bucket.ts";
import { createS3Client } from "../../../../src/providers/s3/client.ts";
import { CREDENTIALS, startTestStore, type TestStore } from "../../../support/s3-server.ts";

let store: TestStore;
let ctx: { s3: ReturnType<typeof createS3Client> };
beforeAll(async () => {
  store = await startTestStore();
  ctx = {
    s3: createS3Client({
      AWS_ENDPOINT_URL_S3: store.endpoint,
      AWS_REGION: "fsn1",
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_CA_BUNDLE: store.caFile,
    }),
  };
});
afterAll(() => store.stop());

const want = (name: string): BucketInput => ({
  name,
  versioning: false,
  lifecycle: [{ prefix: "tmp/", expireDays: 7, abortUploadsDays: 7 }],
  keepOnDestroy: false,
});

describe("lifecycle mapping", () => {
  it("round-trips rules through the API shape", () => {
    const rules = [
      { prefix: "", expireDays: 90, abortUploadsDays: 7 },
      { prefix: "old/", noncurrentExpireDays: 14, abortUploadsDays: 3 },
    ];
    expect(fromApiLifecycle(toApiLifecycle(rules))).toEqual(rules);
  });
});

describe("s3.bucket", () => {
  it("creates the bucket with its lifecycle rules and reads them back in sync", async () => {
    const created = await bucket.create(ctx, want("shop-backups"));
    expect(created).toEqual({ ...want("shop-backups"), versioning: false });
    expect(bucket.diff(want("shop-backups"), created)).toEqual([]);
    expect(await bucket.find?.(ctx, want("shop-backups"))).toEqual(created);
  });

  it("changes lifecycle rules in place and removes them all", async () => {
    const have = (await bucket.read(ctx, "shop-backups", want("shop-backups")))!;
    const next = { ...want("shop-backups"), lifecycle: [] };
    const changes = bucket.diff(next, have);
    expect(changes.map((c) => c.path)).toEqual(["lifecycle"]);
    expect((await bucket.update(ctx, have, next, changes)).lifecycle).toEqual([]);
  });

  it("says clearly that the store cannot enable versioning", async () => {
    const have = (await bucket.read(ctx, "shop-backups", want("shop-backups")))!;
    const next = { ...want("shop-backups"), versioning: true };
    await expect(bucket.update(ctx, have, next, bucket.diff(next, have))).rejects.toThrow(
      "versioning of bucket shop-backups: this S3 store cannot enable versioning (NotImplemented)",
    );
  });

  it("leaves a keepOnDestroy bucket in place and says so in the plan", async () => {
    const kept = await bucket.create(ctx, { ...want("shop-kept"), keepOnDestroy: true });
    expect(bucket.deleteNote?.(kept)).toBe(
      "kept: keepOnDestroy leaves bucket shop-kept and its objects in place",
    );
    await bucket.delete(ctx, kept);
    expect(await bucket.read(ctx, "shop-kept", kept)).not.toBeNull();
  });

  it("refuses to delete a bucket with objects, and deletes an empty one", async () => {
    const have = (await bucket.read(ctx, "shop-backups", want("shop-backups")))!;
    await ctx.s3.send(new PutObjectCommand({ Bucket: "shop-backups", Key: "a", Body: "x" }));
    await expect(bucket.delete(ctx, have)).rejects.toThrow("bucket shop-backups is not empty");
    const empty = await bucket.create(ctx, want("shop-empty"));
    await bucket.delete(ctx, empty);
    expect(await bucket.read(ctx, "shop-empty", want("shop-empty"))).toBeNull();
    await bucket.delete(ctx, empty);
  });
});
