/**
 * Multipart uploads on disk: `uploads/<id>/upload.json` and one data + metadata file per part, so
 * parts uploaded in parallel never write the same file. Completing concatenates the listed parts into a
 * new object whose ETag is the MD5 of the parts' binary MD5s followed by "-<count>", as S3 computes it;
 * every part but the last must be at least 5 MiB.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { S3Error } from "./errors.ts";
import { type NewObject, type ObjectMeta, replaceJson, type S3Store, type WriteGuard } from "./store.ts";

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  initiated: string;
  object: Omit<NewObject, "etag" | "size">;
}

export interface Part {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: string;
}

export class Uploads {
  private readonly uploads = new Map<string, Upload>();

  private readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async open(dir: string): Promise<Uploads> {
    const uploads = new Uploads(join(dir, "uploads"));
    await mkdir(uploads.dir, { recursive: true });
    for (const id of await readdir(uploads.dir)) {
      const file = join(uploads.dir, id, "upload.json");
      if (existsSync(file)) uploads.uploads.set(id, JSON.parse(await readFile(file, "utf8")) as Upload);
    }
    return uploads;
  }

  async create(bucket: string, key: string, object: Upload["object"]): Promise<Upload> {
    const upload: Upload = {
      id: randomBytes(24).toString("base64url"),
      bucket,
      key,
      initiated: new Date().toISOString(),
      object,
    };
    await mkdir(join(this.dir, upload.id), { recursive: true });
    await writeFile(join(this.dir, upload.id, "upload.json"), JSON.stringify(upload));
    this.uploads.set(upload.id, upload);
    return upload;
  }

  get(bucket: string, key: string, id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key)
      throw new S3Error("NoSuchUpload", { UploadId: id });
    return upload;
  }

  list(bucket: string): Upload[] {
    return [...this.uploads.values()]
      .filter((u) => u.bucket === bucket)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async putPart(upload: Upload, part: Omit<Part, "lastModified">, dataFile: string): Promise<Part> {
    const base = join(this.dir, upload.id);
    const stored: Part = { ...part, lastModified: new Date().toISOString() };
    await rename(dataFile, join(base, `${part.partNumber}.data`));
    await replaceJson(join(base, `${part.partNumber}.json`), stored);
    return stored;
  }

  async parts(upload: Upload): Promise<Part[]> {
    const base = join(this.dir, upload.id);
    const files = (await readdir(base)).filter((f) => /^\d+\.json$/.test(f));
    const parts = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(base, f), "utf8")) as Part),
    );
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async abort(upload: Upload): Promise<void> {
    this.uploads.delete(upload.id);
    await rm(join(this.dir, upload.id), { recursive: true, force: true });
  }

  /** Checks the client's part list, assembles the object and commits it through the store's guard. */
  async complete(
    store: S3Store,
    upload: Upload,
    requested: { partNumber: number; etag: string }[],
    guard: WriteGuard,
  ): Promise<ObjectMeta> {
    if (requested.length === 0) {
      throw new S3Error(
        "MalformedXML",
        {},
        "The XML you provided was not well-formed or did not validate against our published schema: no parts",
      );
    }
    const stored = new Map((await this.parts(upload)).map((p) => [p.partNumber, p]));
    const chosen: Part[] = [];
    requested.forEach((want, index) => {
      const previous = requested[index - 1];
      if (previous && want.partNumber <= previous.partNumber) throw new S3Error("InvalidPartOrder");
      const part = stored.get(want.partNumber);
      if (!part || part.etag !== want.etag)
        throw new S3Error("InvalidPart", { PartNumber: String(want.partNumber), ETag: want.etag });
      chosen.push(part);
    });
    chosen.slice(0, -1).forEach((part) => {
      if (part.size < MIN_PART_SIZE) {
        throw new S3Error("EntityTooSmall", {
          ProposedSize: String(part.size),
          MinSizeAllowed: String(MIN_PART_SIZE),
          PartNumber: String(part.partNumber),
          ETag: part.etag,
        });
      }
    });
    guard.precondition?.(store.head(upload.bucket, upload.key));
    const file = store.tmpFile();
    const dir = join(this.dir, upload.id);
    await pipeline(async function* () {
      for (const part of chosen) yield* createReadStream(join(dir, `${part.partNumber}.data`));
    }, createWriteStream(file));
    const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.etag, "hex")));
    const etag = `${createHash("md5").update(md5s).digest("hex")}-${chosen.length}`;
    const size = chosen.reduce((sum, p) => sum + p.size, 0);
    try {
      const meta = await store.commit(
        upload.bucket,
        upload.key,
        file,
        { ...upload.object, etag, size },
        guard,
      );
      await this.abort(upload);
      return meta;
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }
}
