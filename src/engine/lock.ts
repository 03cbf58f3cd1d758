/**
 * The state lock: a lease, not a flag. A lease names its holder, host, pid, reason and when it expires;
 * the holder refreshes it while it works, so a run that dies (SIGKILL, a laptop that never wakes) leaves
 * a lock that expires by itself instead of one that blocks everyone until someone deletes it by hand.
 *
 * Backends implement StateLock with one atomic "create if absent" and one "replace if unchanged":
 * locally O_EXCL and a guarded unlink; on S3 a PUT with `If-None-Match: *` to take the lease and PUTs
 * with `If-Match: <etag>` (the `token` of a Lease) to refresh, release or take over an expired one.
 */
import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { StateBackend } from "./state.ts";

export const LockInfo = z.object({
  id: z.string().min(1),
  holder: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** ISO times: when the lease was taken and when it lapses unless refreshed. */
  created: z.string(),
  expires: z.string(),
  /** What the holder is doing: "up", "destroy", ... */
  reason: z.string(),
});
export type LockInfo = z.infer<typeof LockInfo>;

/** A held lock: what was written, and the backend's token for conditional writes (an S3 ETag). */
export interface Lease {
  info: LockInfo;
  token?: string;
}

export type AcquireResult = { acquired: Lease } | { heldBy: LockInfo };

export interface StateLock {
  /** Where the lock lives, for messages. */
  readonly location: string;
  /** Takes the lock if it is free or its lease is stale; otherwise says who holds it. Never waits. */
  tryAcquire(info: LockInfo): Promise<AcquireResult>;
  /** Extends the lease; throws LockLostError if the lock is no longer this lease. */
  refresh(lease: Lease, expires: string): Promise<Lease>;
  /** Gives the lock up if it is still this lease; a lock someone else took is left alone. */
  release(lease: Lease): Promise<void>;
  /** The lease in force, or null when unlocked. */
  current(): Promise<LockInfo | null>;
  /** Removes the lock whose id is `id`; throws a UserError when there is none or it has another id. */
  forceUnlock(id: string): Promise<LockInfo>;
}

export class LockLostError extends UserError {
  constructor(location: string, detail: string) {
    super(`lost the state lock at ${location}: ${detail}`, {
      hint: "Someone force-unlocked or took over this run's lock; stopped writing state. Run `slipway plan` to see where things stand.",
    });
    this.name = "LockLostError";
  }
}

export function describeHolder(info: LockInfo): string {
  return `${info.holder}@${info.host} (pid ${info.pid}) since ${info.created} for "${info.reason}"`;
}

const defaultUnlockCommand = (id: string) => `slipway force-unlock ${id}`;

export class LockHeldError extends UserError {
  readonly info: LockInfo;
  constructor(location: string, info: LockInfo, waitedMs: number, unlockCommand = defaultUnlockCommand) {
    const waited = waitedMs > 0 ? ` after waiting ${Math.max(1, Math.round(waitedMs / 1000))} s` : "";
    super(
      `state is locked${waited}: held by ${describeHolder(info)}, lease expires ${info.expires}\n  lock ID: ${info.id}\n  lock file: ${location}`,
      {
        hint:
          "Wait for that run to finish, or retry with --lock-timeout 5m to wait for it. If it is gone for good, " +
          `remove the lock with: ${unlockCommand(info.id)}`,
      },
    );
    this.name = "LockHeldError";
    this.info = info;
  }
}

export interface LockRequest {
  reason: string;
  /** Lease length; the holder refreshes it every third of that. */
  ttlMs?: number;
  /** How long to wait for a held lock before failing (0: fail at once). */
  timeoutMs?: number;
  pollMs?: number;
  /** The command that removes a lock, for the hint (it names the environment when there is one). */
  unlockCommand?: (id: string) => string;
  /** Told once when the lock is held and we start waiting. */
  onWait?: (holder: LockInfo) => void;
}

export const DEFAULT_LEASE_MS = 120_000;

export function newLockInfo(reason: string, ttlMs: number, now = Date.now()): LockInfo {
  return {
    id: randomUUID(),
    holder: safeUser(),
    host: hostname(),
    pid: process.pid,
    created: new Date(now).toISOString(),
    expires: new Date(now + ttlMs).toISOString(),
    reason,
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

/** A lease held by this process, refreshed in the background until released. */
export class HeldLock {
  private lease: Lease;
  private lost: UserError | undefined;
  private readonly timer: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();
  private readonly lock: StateLock;
  private readonly ttlMs: number;

  constructor(lock: StateLock, lease: Lease, ttlMs: number) {
    this.lock = lock;
    this.ttlMs = ttlMs;
    this.lease = lease;
    this.timer = setInterval(() => {
      this.refreshing = this.refresh();
    }, ttlMs / 3);
    this.timer.unref();
  }

  get info(): LockInfo {
    return this.lease.info;
  }

  private async refresh(): Promise<void> {
    if (this.lost) return;
    try {
      this.lease = await this.lock.refresh(this.lease, new Date(Date.now() + this.ttlMs).toISOString());
    } catch (error) {
      this.lost =
        error instanceof UserError ? error : new LockLostError(this.lock.location, (error as Error).message);
    }
  }

  /** Throws when the lease was lost, so a run stops writing state it no longer owns. */
  assertHeld(): void {
    if (this.lost) throw this.lost;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
    if (!this.lost) await this.lock.release(this.lease);
  }
}

/** Takes the lock, waiting up to `timeoutMs` for its holder to finish; throws LockHeldError otherwise. */
export async function acquireLock(lock: StateLock, request: LockRequest): Promise<HeldLock> {
  const ttlMs = request.ttlMs ?? DEFAULT_LEASE_MS;
  const timeoutMs = request.timeoutMs ?? 0;
  const pollMs = request.pollMs ?? 1000;
  const started = Date.now();
  let told = false;
  for (;;) {
    const result = await lock.tryAcquire(newLockInfo(request.reason, ttlMs));
    if ("acquired" in result) return new HeldLock(lock, result.acquired, ttlMs);
    const waited = Date.now() - started;
    if (waited >= timeoutMs)
      throw new LockHeldError(
        lock.location,
        result.heldBy,
        timeoutMs > 0 ? waited : 0,
        request.unlockCommand,
      );
    if (!told) request.onWait?.(result.heldBy);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, timeoutMs - waited)));
  }
}

/** A backend that refuses to write once the lock is lost, so a run that was force-unlocked stops. */
export function lockedBackend(backend: StateBackend, held: HeldLock): StateBackend {
  return {
    location: backend.location,
    read: () => backend.read(),
    write: async (doc) => {
      held.assertHeld();
      await backend.write(doc);
    },
  };
}
