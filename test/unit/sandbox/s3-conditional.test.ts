/**
 * Conditional requests against the sandbox S3 store, which a state lock built on `If-None-Match: *`
 * (take the lease) and `If-Match: <etag>` (write state) depends on: the store must refuse exactly what
 * AWS refuses, also when two writers race.
 */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStore, type TestStore } from "../../support/s3-server.ts";

let store: TestStore;
let s3: S3Client;
const Bucket = "locks";

beforeAll(async () => {
  store = await startTestStore();
  s3 = store.client();
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterAll(async () => {
  s3.destroy();
  await store.stop();
});

async function outcome(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode ?? 0;
    throw error;
  }
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException)
      return { name: error.name, status: error.$metadata.httpStatusCode };
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("If-None-Match: * (create only)", () => {
  it("creates a missing object and refuses to overwrite it with 412", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "lease", Body: "holder=a", IfNoneMatch: "*" }));
    expect(
      await failure(
        s3.send(new PutObjectCommand({ Bucket, Key: "lease", Body: "holder=b", IfNoneMatch: "*" })),
      ),
    ).toEqual({ name: "PreconditionFailed", status: 412 });
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "lease" }));
    expect(await got.Body?.transformToString()).toBe("holder=a");
  });

  it("lets exactly one of two concurrent creates win; the other gets 412", async () => {
    for (let round = 0; round < 10; round++) {
      const Key = `race-${round}`;
      const results = await Promise.all(
        ["a", "b"].map((holder) =>
          outcome(
            s3.send(
              new PutObjectCommand({ Bucket, Key, Body: `holder=${holder}`.repeat(2000), IfNoneMatch: "*" }),
            ),
          ),
        ),
      );
      expect(results.sort()).toEqual([200, 412]);
    }
  });

  it("lets exactly one of many concurrent creates win", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        outcome(
          s3.send(new PutObjectCommand({ Bucket, Key: "crowd", Body: `holder=${i}`, IfNoneMatch: "*" })),
        ),
      ),
    );
    expect(results.filter((r) => r === 200)).toHaveLength(1);
    expect(results.filter((r) => r === 412)).toHaveLength(7);
  });

  it("refuses an ETag value with 501, as S3 only takes *", async () => {
    expect(
      await failure(s3.send(new PutObjectCommand({ Bucket, Key: "x", Body: "x", IfNoneMatch: '"abc"' }))),
    ).toEqual({ name: "NotImplemented", status: 501 });
  });

  it("guards CompleteMultipartUpload and CopyObject too", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "taken", Body: "first" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "taken" }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket, Key: "taken", UploadId, PartNumber: 1, Body: "second" }),
    );
    const complete = s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: "taken",
        UploadId,
        IfNoneMatch: "*",
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(await failure(complete)).toEqual({ name: "PreconditionFailed", status: 412 });
    const copy = s3.send(
      new CopyObjectCommand({ Bucket, Key: "taken", CopySource: `${Bucket}/lease`, IfNoneMatch: "*" }),
    );
    expect(await failure(copy)).toEqual({ name: "PreconditionFailed", status: 412 });
    expect(
      await (await s3.send(new GetObjectCommand({ Bucket, Key: "taken" }))).Body?.transformToString(),
    ).toBe("first");
  });
});

describe("a conflicting write during a conditional upload", () => {
  it("fails the conditional write with 409 ConditionalRequestConflict, though its condition holds again", async () => {
    const body = new PassThrough();
    const slow = s3.send(
      new PutObjectCommand({ Bucket, Key: "gap", Body: body, ContentLength: 10, IfNoneMatch: "*" }),
    );
    body.write("12345");
    // The store has begun receiving the body once its temporary file exists.
    const tmp = join(store.dir, "data", "tmp");
    for (let i = 0; i < 200 && readdirSync(tmp).length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(readdirSync(tmp)).toHaveLength(1);
    const other = store.client();
    await other.send(new PutObjectCommand({ Bucket, Key: "gap", Body: "someone else" }));
    await other.send(new DeleteObjectCommand({ Bucket, Key: "gap" }));
    other.destroy();
    body.end("67890");
    expect(await failure(slow)).toEqual({ name: "ConditionalRequestConflict", status: 409 });
    expect(await outcome(s3.send(new HeadObjectCommand({ Bucket, Key: "gap" })))).toBe(404);
  });
});

describe("If-Match: <etag> (compare and swap)", () => {
  it("replaces only the object it read; a stale ETag gets 412", async () => {
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: "state", Body: "serial=1" }));
    const v2 = await s3.send(
      new PutObjectCommand({ Bucket, Key: "state", Body: "serial=2", IfMatch: v1.ETag }),
    );
    expect(v2.ETag).not.toBe(v1.ETag);
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({ Bucket, Key: "state", Body: "serial=2-from-stale", IfMatch: v1.ETag }),
        ),
      ),
    ).toEqual({ name: "PreconditionFailed", status: 412 });
    expect(
      await (await s3.send(new GetObjectCommand({ Bucket, Key: "state" }))).Body?.transformToString(),
    ).toBe("serial=2");
  });

  it("accepts the ETag unquoted, as Hetzner's store wants it sent", async () => {
    const v = await s3.send(new PutObjectCommand({ Bucket, Key: "unquoted", Body: "one" }));
    await s3.send(
      new PutObjectCommand({ Bucket, Key: "unquoted", Body: "two", IfMatch: v.ETag?.replaceAll('"', "") }),
    );
    expect(
      await (await s3.send(new GetObjectCommand({ Bucket, Key: "unquoted" }))).Body?.transformToString(),
    ).toBe("two");
  });

  it("answers 404 NoSuchKey when the object does not exist", async () => {
    expect(
      await failure(s3.send(new PutObjectCommand({ Bucket, Key: "absent", Body: "x", IfMatch: '"0123"' }))),
    ).toEqual({ name: "NoSuchKey", status: 404 });
  });

  it("lets exactly one of two writers holding the same ETag win", async () => {
    const base = await s3.send(new PutObjectCommand({ Bucket, Key: "cas", Body: "serial=0" }));
    for (let round = 1; round <= 10; round++) {
      const { ETag } = await s3.send(new HeadObjectCommand({ Bucket, Key: "cas" }));
      const results = await Promise.all(
        ["a", "b"].map((w) =>
          outcome(
            s3.send(
              new PutObjectCommand({
                Bucket,
                Key: "cas",
                Body: `serial=${round} by ${w}`.repeat(1000),
                IfMatch: ETag,
              }),
            ),
          ),
        ),
      );
      expect(results.sort()).toEqual([200, 412]);
    }
    expect(base.ETag).toBeDefined();
  });

  it("guards DeleteObject with If-Match", async () => {
    const v = await s3.send(new PutObjectCommand({ Bucket, Key: "doomed", Body: "x" }));
    expect(
      await failure(
        s3.send(
          new DeleteObjectCommand({ Bucket, Key: "doomed", IfMatch: '"ffffffffffffffffffffffffffffffff"' }),
        ),
      ),
    ).toEqual({ name: "PreconditionFailed", status: 412 });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "doomed", IfMatch: v.ETag }));
    expect(await outcome(s3.send(new HeadObjectCommand({ Bucket, Key: "doomed" })))).toBe(404);
  });
});

describe("conditional reads", () => {
  it("answers 304 for a matching If-None-Match and 412 for a failed If-Match", async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket, Key: "read", Body: "content" }));
    expect(await outcome(s3.send(new GetObjectCommand({ Bucket, Key: "read", IfNoneMatch: ETag })))).toBe(
      304,
    );
    expect(await outcome(s3.send(new GetObjectCommand({ Bucket, Key: "read", IfMatch: '"nope"' })))).toBe(
      412,
    );
    expect(await outcome(s3.send(new GetObjectCommand({ Bucket, Key: "read", IfMatch: ETag })))).toBe(200);
  });

  it("compares modification times in whole seconds", async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "read" }));
    const modified = head.LastModified as Date;
    expect(
      await outcome(s3.send(new GetObjectCommand({ Bucket, Key: "read", IfModifiedSince: modified }))),
    ).toBe(304);
    expect(
      await outcome(
        s3.send(
          new GetObjectCommand({
            Bucket,
            Key: "read",
            IfModifiedSince: new Date(modified.getTime() - 60_000),
          }),
        ),
      ),
    ).toBe(200);
    expect(
      await outcome(
        s3.send(
          new GetObjectCommand({
            Bucket,
            Key: "read",
            IfUnmodifiedSince: new Date(modified.getTime() - 60_000),
          }),
        ),
      ),
    ).toBe(412);
  });
});
