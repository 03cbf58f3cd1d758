// `slipway secrets …`, `force-unlock` and a locked `up`, run in-process through main() with output captured.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { LocalStateLock } from "../../../src/engine/local-lock.ts";
import { newLockInfo } from "../../../src/engine/lock.ts";

let dir: string;
let config: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-cli-secrets-"));
  config = join(dir, "slipway.config.ts");
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  vi.stubEnv("SLIPWAY_PASSPHRASE", "");
  vi.stubEnv("SLIPWAY_KEY_FILE", "");
  vi.stubEnv("SLIPWAY_SECRETS_FILE", "");
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const slipway = (...argv: string[]) => main([...argv, "-c", config, "--no-color"]);

describe("slipway secrets", () => {
  it("sets, lists, gets and removes, keeping values out of the file and of list", async () => {
    expect(await slipway("secrets", "set", "DATABASE_URL", "postgres://u:hunter2@db/app")).toBe(0);
    expect(stdout).toBe(`Stored DATABASE_URL in ${join(dir, "slipway.secrets.json")}\n`);
    expect(stderr).toBe(
      `Created encryption key ${join(dir, ".slipway", "key")} (0600). Keep a copy: without it, encrypted values are lost.\n`,
    );
    const valueFile = join(dir, "token.txt");
    writeFileSync(valueFile, "tok-from-file\n");
    expect(await slipway("secrets", "set", "API_TOKEN", "--from-file", valueFile)).toBe(0);
    expect(readFileSync(join(dir, "slipway.secrets.json"), "utf8")).not.toMatch(/hunter2|tok-from-file/);

    stdout = "";
    expect(await slipway("secrets", "list")).toBe(0);
    expect(stdout).toBe("API_TOKEN\nDATABASE_URL\n");
    stdout = "";
    expect(await slipway("secrets", "get", "API_TOKEN")).toBe(0);
    expect(stdout).toBe("tok-from-file\n"); // a file's content is kept as is
    stdout = "";
    expect(await slipway("secrets", "rm", "API_TOKEN")).toBe(0);
    expect(await slipway("secrets", "list", "--json")).toBe(0);
    expect(JSON.parse(stdout.slice(stdout.indexOf("{")))).toEqual({
      file: join(dir, "slipway.secrets.json"),
      names: ["DATABASE_URL"],
    });
  });

  it.each([
    [
      ["secrets", "set", "lower_case", "x"],
      'NAME: expected a secret name in UPPER_SNAKE_CASE such as DATABASE_URL, got "lower_case"',
    ],
    [["secrets", "get", "NOPE"], "no secret NOPE in"],
    [["secrets", "rm", "NOPE"], "no secret NOPE in"],
    [["secrets", "set", "A_B", "v", "--from-file", "/nonexistent"], "pass VALUE or --from-file, not both"],
    [["secrets", "set", "A_B", "--from-file", "/nonexistent"], "--from-file: cannot read /nonexistent"],
  ])("%j is a usage error: %s", async (argv, message) => {
    expect(await slipway(...argv)).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it("names the file and the fix when the passphrase is wrong", async () => {
    vi.stubEnv("SLIPWAY_PASSPHRASE", "right one");
    expect(await slipway("secrets", "set", "A_B", "value-1")).toBe(0);
    vi.stubEnv("SLIPWAY_PASSPHRASE", "wrong one");
    expect(await slipway("secrets", "get", "A_B")).toBe(2);
    expect(stderr).toContain(
      `Error: cannot decrypt ${join(dir, "slipway.secrets.json")}: SLIPWAY_PASSPHRASE is not the passphrase it was encrypted with`,
    );
    expect(stderr).toContain("Set SLIPWAY_PASSPHRASE to the passphrase used");
  });
});

describe("state lock from the command line", () => {
  const lockDir = () => join(dir, ".slipway");
  const plantLock = () => {
    mkdirSync(lockDir(), { recursive: true });
    // Held by a live process on this host (the test runner's parent), for a minute.
    const info = { ...newLockInfo("up", 60_000), holder: "alice", pid: process.ppid };
    writeFileSync(join(lockDir(), "state.lock"), JSON.stringify(info));
    return info;
  };

  it("up fails at once naming the holder, host, time, reason and the command that unlocks", async () => {
    writeFileSync(
      config,
      `import { defineStack } from "slipway";\nexport default defineStack({ name: "locked", servers: { web: { type: "cx22", image: "debian-12" } } });\n`,
    );
    const info = plantLock();
    expect(await slipway("up", "--yes")).toBe(1);
    expect(stderr).toContain(
      `Error: state is locked: held by alice@${info.host} (pid ${info.pid}) since ${info.created} for "up"`,
    );
    expect(stderr).toContain(`lock ID: ${info.id}`);
    expect(stderr).toContain(`slipway force-unlock ${info.id}`);
    expect(existsSync(join(lockDir(), "state.json"))).toBe(false);
  });

  it("up --lock-timeout waits for the holder, says so, then fails naming it", async () => {
    writeFileSync(
      config,
      `import { defineStack } from "slipway";\nexport default defineStack({ name: "locked", servers: { web: { type: "cx22", image: "debian-12" } } });\n`,
    );
    const info = plantLock();
    expect(await slipway("up", "--yes", "--lock-timeout", "1s")).toBe(1);
    expect(stderr).toContain(
      `State is locked by alice@${info.host} (pid ${info.pid}) since ${info.created} for "up"; waiting up to 1s ...`,
    );
    expect(stderr).toContain("Error: state is locked after waiting 1 s: held by alice@");
  });

  it("force-unlock removes the lock with that ID after confirmation", async () => {
    const info = plantLock();
    expect(await slipway("force-unlock", info.id, "--yes")).toBe(0);
    expect(stdout).toContain(`Lock ${info.id} is held by alice@`);
    expect(stdout).toContain(`State lock ${info.id} removed.`);
    expect(await new LocalStateLock(lockDir()).current()).toBeNull();
  });

  it("force-unlock refuses without confirmation, and refuses a wrong ID", async () => {
    const info = plantLock();
    expect(await slipway("force-unlock", info.id)).toBe(2);
    expect(stderr).toContain("refusing to change infrastructure without confirmation");
    expect(await slipway("force-unlock", "wrong-id", "--yes")).toBe(1);
    expect(stderr).toContain(`lock ID "wrong-id" does not match the lock in force (ID ${info.id})`);
    expect((await new LocalStateLock(lockDir()).current())?.id).toBe(info.id);
  });

  it("rejects a malformed --lock-timeout", async () => {
    writeFileSync(
      config,
      `import { defineStack } from "slipway";\nexport default defineStack({ name: "x" });\n`,
    );
    expect(await slipway("up", "--lock-timeout", "soon")).toBe(2);
    expect(stderr).toContain('--lock-timeout: expected a duration such as 30s or 5m, got "soon"');
  });
});
