/**
 * The state lock as a file beside state.json (`state.lock`), created with O_EXCL so exactly one
 * process wins. A lease is stale when it has expired or when its process, on this host, is gone; a
 * stale lock is broken under a second O_EXCL guard file and only if it is still the same lease, so two
 * processes that both find it stale cannot both take it.
 */

import { mkdir, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "../errors.ts";
import { processAlive } from "../util/process.ts";
import { type AcquireResult, type Lease, LockInfo, LockLostError, type StateLock } from "./lock.ts";

/** A guard older than this belongs to a process that died mid-break. */
const GUARD_STALE_MS = 30_000;
/** A lock file we cannot parse is being written right now, unless it is older than this. */
const UNREADABLE_GRACE_MS = 10_000;

export function isStale(info: LockInfo, now = Date.now()): boolean {
  if (Date.parse(info.expires) <= now) return true;
  return info.host === hostname() && info.pid !== process.pid && !processAlive(info.pid);
}

type Found = { info: LockInfo } | { unreadable: true; ageMs: number } | null;

export class LocalStateLock implements StateLock {
  readonly location: string;
  private readonly guard: string;

  constructor(dir: string) {
    this.location = join(dir, "state.lock");
    this.guard = join(dir, "state.lock.break");
  }

  private async read(): Promise<Found> {
    let text: string;
    try {
      text = await readFile(this.location, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      return { info: LockInfo.parse(JSON.parse(text)) };
    } catch {
      const ageMs = await stat(this.location).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      return { unreadable: true, ageMs };
    }
  }

  private async create(info: LockInfo): Promise<boolean> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.location, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
    try {
      await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
    } finally {
      await handle.close();
    }
    return true;
  }

  async tryAcquire(info: LockInfo): Promise<AcquireResult> {
    await mkdir(dirname(this.location), { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.create(info)) return { acquired: { info } };
      const found = await this.read();
      if (found === null) continue; // released between our create and read: try again
      if ("unreadable" in found) {
        if (found.ageMs < UNREADABLE_GRACE_MS) return { heldBy: unknownHolder(this.location) };
        await this.breakIf(() => true);
        continue;
      }
      if (!isStale(found.info)) return { heldBy: found.info };
      await this.breakIf((current) => current?.id === found.info.id);
    }
    const found = await this.read();
    return { heldBy: found && "info" in found ? found.info : unknownHolder(this.location) };
  }

  /** Removes the lock file under the guard, if `stillStale` holds for what it contains then. */
  private async breakIf(stillStale: (current: LockInfo | undefined) => boolean): Promise<void> {
    let guard: Awaited<ReturnType<typeof open>>;
    try {
      guard = await open(this.guard, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = await stat(this.guard).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > GUARD_STALE_MS) await unlink(this.guard).catch(() => undefined);
      return; // someone else is breaking it; the caller retries
    }
    try {
      const found = await this.read();
      if (found !== null && stillStale("info" in found ? found.info : undefined)) {
        await unlink(this.location).catch(() => undefined);
      }
    } finally {
      await guard.close();
      await unlink(this.guard).catch(() => undefined);
    }
  }

  async refresh(lease: Lease, expires: string): Promise<Lease> {
    const found = await this.read();
    if (found === null || !("info" in found) || found.info.id !== lease.info.id) {
      const now =
        found && "info" in found ? `it is now held by ${found.info.holder}@${found.info.host}` : "it is gone";
      throw new LockLostError(this.location, now);
    }
    const info = { ...lease.info, expires };
    // Replace atomically: a reader never sees half a lease.
    const temporary = `${this.location}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.location);
    return { info };
  }

  async release(lease: Lease): Promise<void> {
    const found = await this.read();
    if (found && "info" in found && found.info.id === lease.info.id) {
      await unlink(this.location).catch(() => undefined);
    }
  }

  async current(): Promise<LockInfo | null> {
    const found = await this.read();
    if (found === null) return null;
    return "info" in found ? found.info : unknownHolder(this.location);
  }

  async forceUnlock(id: string): Promise<LockInfo> {
    const found = await this.read();
    if (found === null) {
      throw new UserError(`no lock to remove: ${this.location} does not exist`, {
        hint: "The state is not locked; nothing to do.",
      });
    }
    const info = "info" in found ? found.info : unknownHolder(this.location);
    if (info.id !== id) {
      throw new UserError(`lock ID "${id}" does not match the lock in force (ID ${info.id})`, {
        hint: `Check the ID slipway printed with the lock error; the lock is held by ${info.holder}@${info.host}.`,
      });
    }
    await unlink(this.location);
    return info;
  }
}

/** What we report for a lock file being written this instant (or corrupt): its id is "unknown". */
function unknownHolder(location: string): LockInfo {
  return {
    id: "unknown",
    holder: "unknown",
    host: "unknown",
    pid: 0,
    created: "unknown",
    expires: "unknown",
    reason: `unreadable lock file ${location}`,
  };
}
