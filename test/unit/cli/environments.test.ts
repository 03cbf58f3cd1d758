/**
 * Environments through the real CLI (bin/slipway.js): selecting one with -e, the error for one the stack
 * does not define, and `up` writing the environment's own state and cloud objects (against the Hetzner
 * emulator) while the default state stays untouched.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateHostKey } from "../../../src/hosts/keys.ts";
import { runCli } from "../../e2e/support/cli.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";

const FIXTURE = join(import.meta.dirname, "..", "..", "fixtures", "stacks", "environments.slipway.config.ts");
const SPAWN = 30_000;

/** A directory holding the fixture stack (production "fixture", plus "staging") and a deploy key. */
function workspace(): { dir: string; config: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "slipway-envs-"));
  const config = join(dir, "slipway.config.ts");
  cpSync(FIXTURE, config);
  const key = generateHostKey("environments test");
  writeFileSync(join(dir, "id_ed25519"), key.privateKey, { mode: 0o600 });
  return { dir, config, env: { SLIPWAY_SSH_KEY: join(dir, "id_ed25519"), SLIPWAY_PASSPHRASE: "pw" } };
}

describe("selecting an environment", () => {
  it(
    "validates the merged stack of -e staging, and of SLIPWAY_ENVIRONMENT",
    async () => {
      const byFlag = await runCli(["validate", "-c", FIXTURE, "-e", "staging", "--json"]);
      expect(byFlag.code).toBe(0);
      expect(JSON.parse(byFlag.stdout)).toMatchObject({
        stack: "fixture-staging",
        environment: "staging",
        servers: 1,
      });
      const byVariable = await runCli(["validate", "-c", FIXTURE], {
        env: { SLIPWAY_ENVIRONMENT: "staging" },
      });
      expect(byVariable.code).toBe(0);
      expect(byVariable.stdout).toContain('stack "fixture-staging" is valid (1 server(s)');
    },
    SPAWN,
  );

  it(
    "refuses an environment the stack does not define with exit 2, naming the defined ones",
    async () => {
      for (const command of ["validate", "plan", "secrets list", "force-unlock 0123"]) {
        const result = await runCli([...command.split(" "), "-c", FIXTURE, "--environment", "stagign"]);
        expect(result.code, command).toBe(2);
        expect(result.stderr).toContain(
          'no environment "stagign"; defined: "production", "staging"; did you mean "staging"?',
        );
        expect(result.stderr).not.toMatch(/^\s+at /m);
      }
    },
    SPAWN * 2,
  );

  it(
    "keeps each environment's secrets in its own file",
    async () => {
      const { dir, config, env } = workspace();
      const staging = await runCli(["secrets", "set", "-c", config, "-e", "staging", "API_KEY", "s3cr3t"], {
        env,
      });
      expect(staging.code, staging.stderr).toBe(0);
      expect(existsSync(join(dir, "slipway.secrets.staging.json"))).toBe(true);
      expect(existsSync(join(dir, "slipway.secrets.json"))).toBe(false);
      const production = await runCli(["secrets", "list", "-c", config, "--json"], { env });
      expect(JSON.parse(production.stdout).names).toEqual([]);
      const listed = await runCli(["secrets", "list", "-c", config, "-e", "staging", "--json"], { env });
      expect(JSON.parse(listed.stdout).names).toEqual(["API_KEY"]);
    },
    SPAWN,
  );
});

describe("up in an environment", () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it(
    "writes state under .slipway/env/staging and cloud objects named for the environment, apart from production",
    async () => {
      const { dir, config, env } = workspace();
      const cloud = { ...env, HCLOUD_ENDPOINT: emulator.url, HCLOUD_TOKEN: TOKEN };
      const up = (target: string, ...extra: string[]) =>
        runCli(["up", "-c", config, "--yes", "--target", target, ...extra], { env: cloud });

      const staging = await up("hetzner.server.web", "-e", "staging");
      expect(staging.code, staging.stderr).toBe(0);
      const stagingFile = join(dir, ".slipway", "env", "staging", "state.json");
      const stagingState = readFileSync(stagingFile, "utf8");
      expect(JSON.parse(stagingState)).toMatchObject({ stack: "fixture-staging" });
      expect(Object.keys(JSON.parse(stagingState).resources).sort()).toEqual([
        "hetzner.server.web",
        "hetzner.sshKey.deploy",
      ]);
      expect(existsSync(join(dir, ".slipway", "state.json"))).toBe(false);
      expect(existsSync(join(dir, ".slipway", "env", "staging", "state.lock"))).toBe(false);

      const production = await up("hetzner.server.web-1");
      expect(production.code, production.stderr).toBe(0);
      const productionState = JSON.parse(readFileSync(join(dir, ".slipway", "state.json"), "utf8"));
      expect(productionState).toMatchObject({ stack: "fixture" });
      expect(Object.keys(productionState.resources).sort()).toEqual([
        "hetzner.server.web-1",
        "hetzner.sshKey.deploy",
      ]);
      expect(readFileSync(stagingFile, "utf8")).toBe(stagingState);

      const servers = await emulator.api("GET", "/servers");
      const owners = servers.body.servers.map((s: { name: string; labels: Record<string, string> }) => [
        s.name,
        s.labels["slipway/stack"],
      ]);
      expect(owners.sort()).toEqual([
        ["fixture-staging-web", "fixture-staging"],
        ["fixture-web-1", "fixture"],
      ]);
      // One public key makes one Hetzner key: staging made it, production uses it as another stack's.
      const keys = await emulator.api("GET", "/ssh_keys");
      expect(keys.body.ssh_keys.map((k: { name: string }) => k.name)).toEqual(["fixture-staging-deploy"]);
      emulator.assertAllValid();
    },
    SPAWN * 2,
  );
});
