/**
 * The sandbox S3 store driven by the official AWS SDK v3, as slipway's S3 provider will drive it:
 * buckets, objects with metadata, ranges, copies, batch deletes, ListObjectsV2 paging, multipart uploads
 * through lib-storage, lifecycle configuration, and data that survives a restart.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStore, type TestStore } from "../../support/s3-server.ts";

let store: TestStore;
let s3: S3Client;

beforeAll(async () => {
  store = await startTestStore();
  s3 = store.client();
});
afterAll(async () => {
  s3.destroy();
  await store.stop();
});

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

const md5 = (data: Buffer | string) => createHash("md5").update(data).digest("hex");

describe("buckets", () => {
  it("creates, lists, heads and deletes a bucket; a second create is BucketAlreadyOwnedByYou", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "life" }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain("life");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "life" }));
    expect(head.BucketRegion).toBe("fsn1");
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: "life" })))).toEqual({
      name: "BucketAlreadyOwnedByYou",
      status: 409,
    });
    await s3.send(new DeleteBucketCommand({ Bucket: "life" }));
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: "life" })))).toMatchObject({ status: 404 });
  });

  it.each([["UPPER"], ["a"], ["bad..name"], ["192.168.1.1"], ["-dash"]])(
    "refuses the bucket name %j",
    async (name) => {
      expect(await failure(s3.send(new CreateBucketCommand({ Bucket: name })))).toMatchObject({
        status: 400,
      });
    },
  );

  it("refuses a location constraint for another region", async () => {
    const create = s3.send(
      new CreateBucketCommand({
        Bucket: "elsewhere",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    expect(await failure(create)).toEqual({ name: "IllegalLocationConstraintException", status: 400 });
  });

  it("reports versioning as never enabled", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "unversioned" }));
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: "unversioned" }));
    expect(versioning.Status).toBeUndefined();
  });

  it("deletes only an empty bucket", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "full" }));
    await s3.send(new PutObjectCommand({ Bucket: "full", Key: "x", Body: "x" }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: "full" })))).toEqual({
      name: "BucketNotEmpty",
      status: 409,
    });
    await s3.send(new DeleteObjectCommand({ Bucket: "full", Key: "x" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "full" }));
  });
});

describe("objects", () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "objects" }));
  });

  it("stores data, content type and user metadata, with the MD5 as ETag", async () => {
    const body = "hello, sandbox";
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "objects",
        Key: "dir/a b+c.txt",
        Body: body,
        ContentType: "text/plain",
        Metadata: { owner: "slipway" },
        CacheControl: "no-cache",
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "objects", Key: "dir/a b+c.txt" }));
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got).toMatchObject({
      ContentType: "text/plain",
      Metadata: { owner: "slipway" },
      CacheControl: "no-cache",
      ContentLength: body.length,
      ETag: `"${md5(body)}"`,
    });
  });

  it("refuses a body whose Content-MD5 or CRC32 does not match, and keeps nothing", async () => {
    const md5 = s3.send(
      new PutObjectCommand({
        Bucket: "objects",
        Key: "bad-md5",
        Body: "data",
        ContentMD5: Buffer.alloc(16).toString("base64"),
      }),
    );
    expect(await failure(md5)).toEqual({ name: "BadDigest", status: 400 });
    const crc = s3.send(
      new PutObjectCommand({ Bucket: "objects", Key: "bad-crc", Body: "data", ChecksumCRC32: "AAAAAA==" }),
    );
    expect(await failure(crc)).toEqual({ name: "BadDigest", status: 400 });
    expect(
      await failure(s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "bad-md5" }))),
    ).toMatchObject({ status: 404 });
    expect(
      await failure(s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "bad-crc" }))),
    ).toMatchObject({ status: 404 });
  });

  it("serves byte ranges and refuses one past the end", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "objects", Key: "digits", Body: "0123456789" }));
    const read = async (Range: string) =>
      (
        await s3.send(new GetObjectCommand({ Bucket: "objects", Key: "digits", Range }))
      ).Body?.transformToString();
    expect(await read("bytes=2-4")).toBe("234");
    expect(await read("bytes=7-")).toBe("789");
    expect(await read("bytes=-3")).toBe("789");
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: "objects", Key: "digits", Range: "bytes=0-0" }),
    );
    expect(ranged.ContentRange).toBe("bytes 0-0/10");
    expect(
      await failure(s3.send(new GetObjectCommand({ Bucket: "objects", Key: "digits", Range: "bytes=10-" }))),
    ).toEqual({ name: "InvalidRange", status: 416 });
  });

  it("answers NoSuchKey for a missing object, and 404 on HEAD", async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "objects", Key: "missing" })))).toEqual({
      name: "NoSuchKey",
      status: 404,
    });
    expect(
      await failure(s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "missing" }))),
    ).toMatchObject({ status: 404 });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "nobucket", Key: "k" })))).toEqual({
      name: "NoSuchBucket",
      status: 404,
    });
  });

  it("copies an object with its metadata, or replaces the metadata", async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: "objects", Key: "src", Body: "copy me", Metadata: { a: "1" } }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: "objects", Key: "dst", CopySource: "objects/src" }));
    const copied = await s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "dst" }));
    expect(copied).toMatchObject({ Metadata: { a: "1" }, ETag: `"${md5("copy me")}"` });
    await s3.send(
      new CopyObjectCommand({
        Bucket: "objects",
        Key: "dst",
        CopySource: "objects/src",
        MetadataDirective: "REPLACE",
        Metadata: { b: "2" },
      }),
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "dst" }))).Metadata).toEqual({
      b: "2",
    });
    const toItself = s3.send(
      new CopyObjectCommand({ Bucket: "objects", Key: "src", CopySource: "objects/src" }),
    );
    expect(await failure(toItself)).toEqual({ name: "InvalidRequest", status: 400 });
  });

  it("deletes a batch and reports each key", async () => {
    for (const key of ["d1", "d2"])
      await s3.send(new PutObjectCommand({ Bucket: "objects", Key: key, Body: key }));
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: "objects",
        Delete: { Objects: [{ Key: "d1" }, { Key: "d2" }, { Key: "never" }] },
      }),
    );
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(["d1", "d2", "never"]);
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: "objects", Key: "d1" })))).toMatchObject({
      status: 404,
    });
  });
});

describe("listing", () => {
  const keys = Array.from({ length: 1203 }, (_, i) => `logs/${String(i).padStart(4, "0")}.txt`);

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "many" }));
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys
          .slice(i, i + 100)
          .map((Key) => s3.send(new PutObjectCommand({ Bucket: "many", Key, Body: "." }))),
      );
    }
    for (const Key of ["a/1", "a/2", "b/1", "top"])
      await s3.send(new PutObjectCommand({ Bucket: "many", Key, Body: Key }));
  }, 120_000);

  it("pages ListObjectsV2 over more than 1000 keys, each key once, in order", async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: "many", Prefix: "logs/" })) {
      pages++;
      seen.push(...(page.Contents ?? []).map((c) => c.Key as string));
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(keys);
  });

  it("honours MaxKeys and StartAfter", async () => {
    const first = await s3.send(
      new ListObjectsV2Command({ Bucket: "many", Prefix: "logs/", MaxKeys: 3, StartAfter: "logs/0100.txt" }),
    );
    expect(first.Contents?.map((c) => c.Key)).toEqual(["logs/0101.txt", "logs/0102.txt", "logs/0103.txt"]);
    expect(first).toMatchObject({ IsTruncated: true, KeyCount: 3 });
    const next = await s3.send(
      new ListObjectsV2Command({
        Bucket: "many",
        Prefix: "logs/",
        MaxKeys: 2,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(next.Contents?.map((c) => c.Key)).toEqual(["logs/0104.txt", "logs/0105.txt"]);
  });

  it("groups by delimiter into common prefixes, which count against MaxKeys", async () => {
    const all = await s3.send(new ListObjectsV2Command({ Bucket: "many", Delimiter: "/" }));
    expect(all.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/", "b/", "logs/"]);
    expect(all.Contents?.map((c) => c.Key)).toEqual(["top"]);
    const paged = await s3.send(new ListObjectsV2Command({ Bucket: "many", Delimiter: "/", MaxKeys: 2 }));
    expect(paged.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/", "b/"]);
    const rest = await s3.send(
      new ListObjectsV2Command({
        Bucket: "many",
        Delimiter: "/",
        ContinuationToken: paged.NextContinuationToken,
      }),
    );
    expect([
      ...(rest.CommonPrefixes ?? []).map((p) => p.Prefix),
      ...(rest.Contents ?? []).map((c) => c.Key),
    ]).toEqual(["logs/", "top"]);
  });

  it("lists with V1 markers", async () => {
    const page = await s3.send(new ListObjectsCommand({ Bucket: "many", Prefix: "a/", Marker: "a/1" }));
    expect(page.Contents?.map((c) => c.Key)).toEqual(["a/2"]);
    expect(page.IsTruncated).toBe(false);
  });

  it("refuses a forged continuation token", async () => {
    expect(
      await failure(s3.send(new ListObjectsV2Command({ Bucket: "many", ContinuationToken: "garbage" }))),
    ).toMatchObject({ name: "InvalidArgument", status: 400 });
  });
});

describe("multipart uploads", () => {
  it("uploads 13 MB through lib-storage with an S3 multipart ETag, byte-identical on read", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "big" }));
    const data = randomBytes(13 * 1024 * 1024);
    const upload = new Upload({
      client: s3,
      params: { Bucket: "big", Key: "blob.bin", Body: data },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    const done = await upload.done();
    const partMd5s = [0, 1, 2].map((i) =>
      createHash("md5")
        .update(data.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024))
        .digest(),
    );
    expect(done.ETag).toBe(`"${md5(Buffer.concat(partMd5s))}-3"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "big", Key: "blob.bin" }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect(bytes.length).toBe(data.length);
    expect(md5(bytes)).toBe(md5(data));
  });
});

describe("lifecycle configuration", () => {
  it("stores, returns and deletes the rules", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "aging" }));
    expect(await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "aging" })))).toEqual({
      name: "NoSuchLifecycleConfiguration",
      status: 404,
    });
    const Rules = [
      {
        ID: "expire-backups",
        Status: "Enabled" as const,
        Filter: { Prefix: "backups/" },
        Expiration: { Days: 30 },
      },
      {
        ID: "abort-uploads",
        Status: "Enabled" as const,
        Filter: {},
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
      },
    ];
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({ Bucket: "aging", LifecycleConfiguration: { Rules } }),
    );
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "aging" }));
    expect(got.Rules).toEqual([
      { ID: "expire-backups", Status: "Enabled", Filter: { Prefix: "backups/" }, Expiration: { Days: 30 } },
      {
        ID: "abort-uploads",
        Status: "Enabled",
        Filter: {},
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
      },
    ]);
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: "aging" }));
    expect(
      await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "aging" }))),
    ).toMatchObject({ status: 404 });
  });

  it("refuses a rule without an action or with duplicate IDs", async () => {
    const put = (Rules: object[]) =>
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: "aging",
          LifecycleConfiguration: { Rules: Rules as never },
        }),
      );
    expect(await failure(put([{ ID: "x", Status: "Enabled", Filter: {} }]))).toMatchObject({ status: 400 });
    const rule = { ID: "same", Status: "Enabled", Filter: {}, Expiration: { Days: 1 } };
    expect(await failure(put([rule, rule]))).toEqual({ name: "InvalidArgument", status: 400 });
  });
});

describe("persistence", () => {
  it("keeps buckets, objects and lifecycle rules across a restart", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "durable" }));
    await s3.send(new PutObjectCommand({ Bucket: "durable", Key: "state.json", Body: '{"serial":1}' }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: "durable",
        LifecycleConfiguration: {
          Rules: [{ ID: "r", Status: "Enabled", Filter: {}, Expiration: { Days: 7 } }],
        },
      }),
    );
    await store.restart();
    const got = await s3.send(new GetObjectCommand({ Bucket: "durable", Key: "state.json" }));
    expect(await got.Body?.transformToString()).toBe('{"serial":1}');
    expect(
      (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "durable" }))).Rules?.[0]?.ID,
    ).toBe("r");
  });
});
