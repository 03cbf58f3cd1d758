// The local state lock: one holder at a time, a clear error naming it, waiting, stale leases, refresh, force-unlock.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { LocalStateLock } from "../../../src/engine/local-lock.ts";
import {
  acquireLock,
  LockHeldError,
  type LockInfo,
  LockLostError,
  lockedBackend,
  newLockInfo,
} from "../../../src/engine/lock.ts";
import { emptyState } from "../../../src/engine/state.ts";
import { UserError } from "../../../src/errors.ts";
import { RecordingBackend } from "./memory-cloud.ts";

let dir: string;
let lock: LocalStateLock;

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "slipway-lock-")), ".slipway");
  mkdirSync(dir);
  lock = new LocalStateLock(dir);
});

const plant = (info: Partial<LockInfo>) => {
  const full = { ...newLockInfo("up", 60_000), ...info };
  writeFileSync(lock.location, JSON.stringify(full));
  return full;
};

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

async function heldError(promise: Promise<unknown>): Promise<LockHeldError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockHeldError);
  return error as LockHeldError;
}

describe("LocalStateLock", () => {
  it("writes a lease naming holder, host, pid, times and reason, readable only by the owner", async () => {
    const held = await acquireLock(lock, { reason: "up" });
    const info = JSON.parse(readFileSync(lock.location, "utf8")) as LockInfo;
    expect(info).toEqual(held.info);
    expect(info).toMatchObject({ host: hostname(), pid: process.pid, reason: "up" });
    expect(Date.parse(info.expires)).toBeGreaterThan(Date.parse(info.created));
    expect(statSync(lock.location).mode & 0o777).toBe(0o600);
    await held.release();
    expect(await lock.current()).toBeNull();
  });

  it("refuses a second holder, naming the first one's holder, host, time, reason and lock ID", async () => {
    const first = await acquireLock(lock, { reason: "up" });
    const error = await heldError(acquireLock(lock, { reason: "destroy" }));
    const { info } = first;
    expect(error.message).toContain(
      `${info.holder}@${info.host} (pid ${process.pid}) since ${info.created} for "up"`,
    );
    expect(error.message).toContain(`lock ID: ${info.id}`);
    expect(error.message).toContain(lock.location);
    expect(error.hint).toContain(`slipway force-unlock ${info.id}`);
    expect(error.hint).toContain("--lock-timeout");
    expect(error.exitCode).toBe(1);
    await first.release();
  });

  it("names the environment in the force-unlock hint when the request says how", async () => {
    const first = await acquireLock(lock, { reason: "up" });
    const unlockCommand = (id: string) => `slipway force-unlock ${id} -e staging`;
    const error = await heldError(acquireLock(lock, { reason: "up", unlockCommand }));
    expect(error.hint).toContain(`slipway force-unlock ${first.info.id} -e staging`);
    await first.release();
  });

  it("gives the lock to exactly one of many processes asking at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => lock.tryAcquire(newLockInfo(`run ${i}`, 60_000))),
    );
    expect(results.filter((r) => "acquired" in r)).toHaveLength(1);
  });

  it("waits for the holder with a timeout, and takes the lock once it is released", async () => {
    const first = await acquireLock(lock, { reason: "up" });
    const waits: LockInfo[] = [];
    const second = acquireLock(lock, {
      reason: "up",
      timeoutMs: 5_000,
      pollMs: 10,
      onWait: (h) => waits.push(h),
    });
    setTimeout(() => void first.release(), 50);
    const held = await second;
    expect(waits).toEqual([first.info]);
    expect((await lock.current())?.id).toBe(held.info.id);
    await held.release();
  });

  it("fails after the timeout, saying how long it waited", async () => {
    const first = await acquireLock(lock, { reason: "up" });
    const error = await heldError(acquireLock(lock, { reason: "up", timeoutMs: 1_000, pollMs: 200 }));
    expect(error.message).toMatch(/^state is locked after waiting 1 s:/);
    await first.release();
  });

  it.each([
    [
      "whose lease has expired",
      () => ({ expires: new Date(Date.now() - 1000).toISOString(), pid: process.ppid }),
    ],
    ["whose process on this host is gone", () => ({ pid: deadPid(), host: hostname() })],
  ])("takes over a lock %s", async (_, stale) => {
    plant(stale());
    const held = await acquireLock(lock, { reason: "up" });
    expect((await lock.current())?.id).toBe(held.info.id);
    await held.release();
  });

  it("leaves a live lock of another host alone even if its pid means nothing here", async () => {
    const other = plant({ host: "elsewhere.example", pid: deadPid() });
    const error = await heldError(acquireLock(lock, { reason: "up" }));
    expect(error.info.id).toBe(other.id);
  });

  it("lets exactly one of many processes take over a stale lock", async () => {
    plant({ expires: new Date(Date.now() - 1000).toISOString() });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => lock.tryAcquire(newLockInfo(`run ${i}`, 60_000))),
    );
    expect(results.filter((r) => "acquired" in r)).toHaveLength(1);
  });

  it("refreshes the lease in the background, pushing its expiry out", async () => {
    const held = await acquireLock(lock, { reason: "up", ttlMs: 90 });
    const before = held.info.expires;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(Date.parse((await lock.current())!.expires)).toBeGreaterThan(Date.parse(before));
    held.assertHeld();
    await held.release();
  });

  it("notices a lost lock and refuses further state writes", async () => {
    const held = await acquireLock(lock, { reason: "up", ttlMs: 60 });
    await lock.forceUnlock(held.info.id);
    const intruder = await acquireLock(lock, { reason: "other" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(() => held.assertHeld()).toThrow(LockLostError);
    const backend = new RecordingBackend();
    await expect(lockedBackend(backend, held).write(emptyState("x"))).rejects.toThrow(/lost the state lock/);
    expect(backend.written).toEqual([]);
    await held.release(); // must not remove the intruder's lock
    expect((await lock.current())?.id).toBe(intruder.info.id);
    await intruder.release();
  });

  it("release leaves a lock someone else now holds alone", async () => {
    const held = await acquireLock(lock, { reason: "up" });
    await lock.forceUnlock(held.info.id);
    const other = plant({ reason: "other" });
    await held.release();
    expect((await lock.current())?.id).toBe(other.id);
  });

  describe("forceUnlock", () => {
    it("removes the lock with that ID and returns what it held", async () => {
      const planted = plant({ reason: "up" });
      expect(await lock.forceUnlock(planted.id)).toEqual(planted);
      expect(await lock.current()).toBeNull();
    });

    it("refuses another ID, naming the one in force", async () => {
      const planted = plant({});
      const act = lock.forceUnlock("not-it");
      await expect(act).rejects.toThrow(UserError);
      await expect(lock.forceUnlock("not-it")).rejects.toThrow(
        `lock ID "not-it" does not match the lock in force (ID ${planted.id})`,
      );
      expect((await lock.current())?.id).toBe(planted.id);
    });

    it("says when there is no lock", async () => {
      await expect(lock.forceUnlock("x")).rejects.toThrow(
        `no lock to remove: ${lock.location} does not exist`,
      );
    });

    it("can remove an unreadable lock file by the ID it reports", async () => {
      plant({});
      writeFileSync(lock.location, "{half");
      expect((await lock.current())?.id).toBe("unknown");
      await lock.forceUnlock("unknown");
      expect(await lock.current()).toBeNull();
    });
  });
});
