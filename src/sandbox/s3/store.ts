/**
 * Buckets and objects on disk, in one directory: `buckets/<name>/bucket.json` and, per object,
 * `objects/<sha256(key)>.json` (metadata, the key itself) next to a data file whose name changes with
 * every write. A write lands its data first and then replaces the metadata with a rename, so a crash
 * leaves the old or the new object, never a mix. Commits to one key are serialised, which is what makes
 * conditional writes (If-None-Match: *, If-Match) atomic: the condition is checked inside that section.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { S3Error } from "./errors.ts";

export interface ObjectMeta {
  key: string;
  /** Unquoted: an MD5 in hex, or MD5-of-MD5s plus "-<parts>" for multipart objects. */
  etag: string;
  size: number;
  lastModified: string;
  contentType: string;
  /** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires, as sent. */
  headers: Record<string, string>;
  /** x-amz-meta-* without the prefix. */
  metadata: Record<string, string>;
  dataFile: string;
}

export type NewObject = Omit<ObjectMeta, "key" | "lastModified" | "dataFile">;

interface BucketRecord {
  name: string;
  created: string;
  /** The lifecycle configuration as the client sent it, re-rendered (normalised) XML. */
  lifecycle?: string;
}

interface Bucket {
  record: BucketRecord;
  objects: Map<string, ObjectMeta>;
  sorted: string[] | null;
}

/** A check run inside the key's critical section against what is there right now. */
export type Precondition = (current: ObjectMeta | undefined) => void;

export interface WriteGuard {
  precondition?: Precondition;
  /** The key's generation when the request started: a change since then is a conflict (409). */
  seenGeneration?: number;
}

/** Replaces a metadata file through `<file>.tmp` and rename(2): readers see the old or the new one. */
export async function replaceJson(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(value));
  await rename(`${file}.tmp`, file);
}

const hashKey = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 40);
const newId = () => randomBytes(12).toString("hex");

export class S3Store {
  private readonly buckets = new Map<string, Bucket>();
  private readonly generations = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();

  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async open(dir: string): Promise<S3Store> {
    const store = new S3Store(dir);
    await mkdir(join(dir, "buckets"), { recursive: true });
    await rm(join(dir, "tmp"), { recursive: true, force: true });
    await mkdir(join(dir, "tmp"), { recursive: true });
    await mkdir(join(dir, "uploads"), { recursive: true });
    for (const name of await readdir(join(dir, "buckets"))) await store.load(name);
    return store;
  }

  private async load(name: string): Promise<void> {
    const base = join(this.dir, "buckets", name);
    if (!existsSync(join(base, "bucket.json"))) return;
    const record = JSON.parse(await readFile(join(base, "bucket.json"), "utf8")) as BucketRecord;
    const objects = new Map<string, ObjectMeta>();
    const files = await readdir(join(base, "objects"));
    const referenced = new Set<string>();
    for (const file of files.filter((f) => f.endsWith(".json"))) {
      const meta = JSON.parse(await readFile(join(base, "objects", file), "utf8")) as ObjectMeta;
      objects.set(meta.key, meta);
      referenced.add(meta.dataFile);
    }
    // Data of writes interrupted between landing their data and committing their metadata.
    for (const file of files.filter((f) => f.endsWith(".data") && !referenced.has(f))) {
      await rm(join(base, "objects", file), { force: true });
    }
    this.buckets.set(name, { record, objects, sorted: null });
  }

  tmpFile(): string {
    return join(this.dir, "tmp", newId());
  }

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()].map((b) => b.record).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new S3Error("NoSuchBucket", { BucketName: name });
    return bucket;
  }

  bucketRecord(name: string): BucketRecord {
    return this.bucket(name).record;
  }

  async createBucket(name: string): Promise<void> {
    if (this.buckets.has(name)) throw new S3Error("BucketAlreadyOwnedByYou", { BucketName: name });
    const record: BucketRecord = { name, created: new Date().toISOString() };
    await mkdir(join(this.dir, "buckets", name, "objects"), { recursive: true });
    await this.saveRecord(record);
    this.buckets.set(name, { record, objects: new Map(), sorted: null });
  }

  async deleteBucket(name: string): Promise<void> {
    const bucket = this.bucket(name);
    if (bucket.objects.size > 0) throw new S3Error("BucketNotEmpty", { BucketName: name });
    this.buckets.delete(name);
    await rm(join(this.dir, "buckets", name), { recursive: true, force: true });
  }

  async setLifecycle(name: string, xml: string | undefined): Promise<void> {
    const bucket = this.bucket(name);
    bucket.record = { ...bucket.record, lifecycle: xml };
    await this.saveRecord(bucket.record);
  }

  private async saveRecord(record: BucketRecord): Promise<void> {
    await replaceJson(join(this.dir, "buckets", record.name, "bucket.json"), record);
  }

  head(bucket: string, key: string): ObjectMeta | undefined {
    return this.bucket(bucket).objects.get(key);
  }

  generation(bucket: string, key: string): number {
    return this.generations.get(`${bucket}/${key}`) ?? 0;
  }

  dataPath(bucket: string, meta: ObjectMeta): string {
    return join(this.dir, "buckets", bucket, "objects", meta.dataFile);
  }

  /** Keys in S3's order (UTF-8 bytes), cached until the next change. */
  sortedKeys(name: string): string[] {
    const bucket = this.bucket(name);
    bucket.sorted ??= [...bucket.objects.keys()].sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    return bucket.sorted;
  }

  private async exclusive<T>(lockKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(lockKey) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = previous.then(() => mine);
    this.locks.set(lockKey, chained);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(lockKey) === chained) this.locks.delete(lockKey);
    }
  }

  private checkGuard(bucket: string, key: string, current: ObjectMeta | undefined, guard: WriteGuard): void {
    guard.precondition?.(current);
    if (guard.seenGeneration !== undefined && guard.seenGeneration !== this.generation(bucket, key)) {
      throw new S3Error("ConditionalRequestConflict", { Key: key });
    }
  }

  /** Makes `dataFile` (already complete on disk) the object's content, if the guard still holds. */
  async commit(
    bucketName: string,
    key: string,
    dataFile: string,
    object: NewObject,
    guard: WriteGuard = {},
  ): Promise<ObjectMeta> {
    return this.exclusive(`${bucketName}/${key}`, async () => {
      const bucket = this.bucket(bucketName);
      const current = bucket.objects.get(key);
      this.checkGuard(bucketName, key, current, guard);
      const base = join(this.dir, "buckets", bucketName, "objects");
      const meta: ObjectMeta = {
        ...object,
        key,
        lastModified: new Date().toISOString(),
        dataFile: `${hashKey(key)}-${newId()}.data`,
      };
      await rename(dataFile, join(base, meta.dataFile));
      await replaceJson(join(base, `${hashKey(key)}.json`), meta);
      if (current) await rm(join(base, current.dataFile), { force: true });
      if (!current) bucket.sorted = null;
      bucket.objects.set(key, meta);
      this.bump(bucketName, key);
      return meta;
    });
  }

  /** Deletes the object if there is one (S3 answers 204 either way). */
  async delete(bucketName: string, key: string, guard: WriteGuard = {}): Promise<boolean> {
    return this.exclusive(`${bucketName}/${key}`, async () => {
      const bucket = this.bucket(bucketName);
      const current = bucket.objects.get(key);
      this.checkGuard(bucketName, key, current, guard);
      if (!current) return false;
      const base = join(this.dir, "buckets", bucketName, "objects");
      await rm(join(base, `${hashKey(key)}.json`), { force: true });
      await rm(join(base, current.dataFile), { force: true });
      bucket.objects.delete(key);
      bucket.sorted = null;
      this.bump(bucketName, key);
      return true;
    });
  }

  private bump(bucket: string, key: string): void {
    this.generations.set(`${bucket}/${key}`, this.generation(bucket, key) + 1);
  }
}
