/**
 * The state lock as an S3 object (`state.lock` beside state.json): taken with `If-None-Match: *`, and
 * every later change (refresh, release, taking over an expired lease, force-unlock) is a PUT with
 * `If-Match: <etag>` of the lease we read, so two writers can never both succeed. Releasing overwrites
 * the lease with one that has already expired, since a conditional DELETE is not portable across S3
 * implementations; an expired lease counts as no lock.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { UserError } from "../errors.ts";
import { isStale } from "./local-lock.ts";
import { type AcquireResult, type Lease, LockInfo, LockLostError, type StateLock } from "./lock.ts";
import { type S3Location, statusOf, unquoted } from "./s3-state.ts";

const RELEASED = new Date(0).toISOString();

export class S3StateLock implements StateLock {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly key: string;

  constructor(client: S3Client, where: S3Location) {
    this.client = client;
    this.bucket = where.bucket;
    this.key = `${where.prefix}state.lock`;
    this.location = `s3://${where.bucket}/${this.key}`;
  }

  private async read(): Promise<{ info: LockInfo; etag: string } | null> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      const text = (await got.Body?.transformToString()) ?? "";
      const parsed = LockInfo.safeParse(JSON.parse(text || "null"));
      const info = parsed.success ? parsed.data : unreadable(this.location);
      return { info, etag: unquoted(got.ETag) ?? "" };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      if (error instanceof SyntaxError) return null;
      throw error;
    }
  }

  /** PUT with a condition; false on 412 (someone else changed it first). */
  private async put(
    info: LockInfo,
    condition: { IfNoneMatch: "*" } | { IfMatch: string },
  ): Promise<string | false> {
    try {
      const put = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: `${JSON.stringify(info, null, 2)}\n`,
          ContentType: "application/json",
          ...condition,
        }),
      );
      return unquoted(put.ETag) ?? "";
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 409) return false;
      throw error;
    }
  }

  async tryAcquire(info: LockInfo): Promise<AcquireResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const created = await this.put(info, { IfNoneMatch: "*" });
      if (created !== false) return { acquired: { info, token: created } };
      const found = await this.read();
      if (!found) continue;
      if (!isStale(found.info)) return { heldBy: found.info };
      // Expired (or released): replace exactly the lease we saw; a racer's takeover makes ours fail.
      const taken = await this.put(info, { IfMatch: found.etag });
      if (taken !== false) return { acquired: { info, token: taken } };
    }
    const found = await this.read();
    return { heldBy: found?.info ?? unreadable(this.location) };
  }

  async refresh(lease: Lease, expires: string): Promise<Lease> {
    const info = { ...lease.info, expires };
    const token = await this.put(info, { IfMatch: lease.token ?? "" });
    if (token === false) throw new LockLostError(this.location, "the lease was replaced");
    return { info, token };
  }

  async release(lease: Lease): Promise<void> {
    await this.put({ ...lease.info, expires: RELEASED }, { IfMatch: lease.token ?? "" });
  }

  async current(): Promise<LockInfo | null> {
    const found = await this.read();
    return found && found.info.expires !== RELEASED ? found.info : null;
  }

  async forceUnlock(id: string): Promise<LockInfo> {
    const found = await this.read();
    if (!found || found.info.expires === RELEASED) {
      throw new UserError(`no lock to remove: ${this.location} holds no lease`, {
        hint: "The state is not locked; nothing to do.",
      });
    }
    if (found.info.id !== id) {
      throw new UserError(`lock ID "${id}" does not match the lock in force (ID ${found.info.id})`, {
        hint: `Check the ID slipway printed with the lock error; the lock is held by ${found.info.holder}@${found.info.host}.`,
      });
    }
    if ((await this.put({ ...found.info, expires: RELEASED }, { IfMatch: found.etag })) === false) {
      throw new UserError(`the lock at ${this.location} changed while removing it; run force-unlock again`);
    }
    return found.info;
  }
}

function unreadable(location: string): LockInfo {
  return {
    id: "unknown",
    holder: "unknown",
    host: "unknown",
    pid: 0,
    created: "unknown",
    expires: "unknown",
    reason: `unreadable lock object ${location}`,
  };
}
