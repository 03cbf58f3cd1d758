// The host's deploy lock and audit log, run through sh against a temporary directory.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  appendAudit,
  auditLine,
  parseAudit,
  readAudit,
} from "../../../src/services/commands/audit.ts";
import {
  acquireLock,
  isAbandoned,
  LOCK_HELD,
  type LockHolder,
  parseHolder,
  releaseLock,
} from "../../../src/services/commands/lock.ts";

/** Runs a builder's argv with its path argument (argv[4]) moved under a temporary directory. */
function run(argv: readonly string[], dir: string, stdin = "") {
  const args = [...argv];
  args[4] = join(dir, args[4]!.replace(/^\//, ""));
  const [cmd, ...rest] = args;
  return spawnSync(cmd!, rest, { encoding: "utf8", input: stdin });
}

const alice: LockHolder = {
  who: "alice@laptop",
  since: "2026-01-01T00:00:00Z",
  reason: "hotfix",
  command: "slipway deploy web",
  pid: 42,
};
const bob: LockHolder = { ...alice, who: "bob@ci", reason: "release 1.2" };

describe("deploy lock", () => {
  it("is taken by one deploy, and a second one sees who holds it", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-lock-"));
    expect(run(acquireLock("shop", "web", alice, false), dir).status).toBe(0);
    const second = run(acquireLock("shop", "web", bob, false), dir);
    expect(second.status).toBe(LOCK_HELD);
    expect(parseHolder(second.stdout)).toEqual(alice);
  });

  it("is taken over with force, and then only the new holder frees it", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-lock-"));
    run(acquireLock("shop", "web", alice, false), dir);
    expect(run(acquireLock("shop", "web", bob, true), dir).status).toBe(0);
    run(releaseLock("shop", "web", alice), dir);
    expect(parseHolder(run(acquireLock("shop", "web", alice, false), dir).stdout)).toEqual(bob);
    run(releaseLock("shop", "web", bob), dir);
    expect(existsSync(join(dir, "var/lib/slipway/shop/web/lock"))).toBe(false);
    expect(run(acquireLock("shop", "web", alice, false), dir).status).toBe(0);
  });

  it("locks services apart", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-lock-"));
    run(acquireLock("shop", "web", alice, false), dir);
    expect(run(acquireLock("shop", "api", bob, false), dir).status).toBe(0);
  });

  it("counts a lock as abandoned only when its holder ran here, as the same user, and has died", () => {
    const me: LockHolder = { ...alice, pid: 100 };
    const dead = () => false;
    const alive = () => true;
    expect(isAbandoned(alice, me, dead)).toBe(true);
    expect(isAbandoned(alice, me, alive)).toBe(false);
    expect(isAbandoned(bob, me, dead)).toBe(false); // another machine: only --force
    expect(isAbandoned(me, me, dead)).toBe(false);
  });

  it.each([[""], ["not json"], ['{"who":1}']])("reads an unreadable holder record %j as unknown", (text) => {
    expect(parseHolder(text)).toBeNull();
  });
});

describe("audit log", () => {
  const entry: AuditEntry = {
    at: "2026-01-01T00:00:00Z",
    who: "alice@laptop",
    action: "deploy",
    service: "web",
    server: "shop-web",
    from: null,
    to: "r1",
    result: "ok",
    reason: "first",
    ms: 5000,
    healthyMs: 1200,
    switchedMs: 3000,
  };

  it("appends one JSON line per release and reads back the last ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-audit-"));
    for (const to of ["r1", "r2", "r3"]) run(appendAudit("shop"), dir, auditLine({ ...entry, to }));
    const tail = run(readAudit("shop", 2), dir);
    expect(parseAudit(tail.stdout).map((e) => e.to)).toEqual(["r2", "r3"]);
  });

  it("reads a missing log as empty and skips lines that are not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-audit-"));
    expect(run(readAudit("shop", 5), dir).stdout).toBe("");
    expect(parseAudit(`garbage\n${auditLine(entry)}{broken\n`)).toEqual([entry]);
  });
});
