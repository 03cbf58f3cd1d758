// Where each environment keeps its state and secrets: the stack as written where it always was, others apart.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { secretsFilePath } from "../../../src/secrets/secrets-file.ts";
import { environmentPrefix, localStateDir } from "../../../src/stack/environment-paths.ts";
import { openStackState, stackKeys, stateStorage } from "../../../src/stack/state-setup.ts";

describe("state paths", () => {
  it("keep the stack as written in .slipway/, by default or by name", () => {
    expect(localStateDir("/srv/shop")).toBe("/srv/shop/.slipway");
    expect(localStateDir("/srv/shop", "production")).toBe("/srv/shop/.slipway");
    expect(stateStorage("/srv/shop", {}).backend.location).toBe("/srv/shop/.slipway/state.json");
  });

  it("give another environment its own directory", () => {
    expect(localStateDir("/srv/shop", "staging")).toBe("/srv/shop/.slipway/env/staging");
    expect(stateStorage("/srv/shop", {}, "staging").backend.location).toBe(
      "/srv/shop/.slipway/env/staging/state.json",
    );
  });

  it("give another environment its own prefix in the state bucket", () => {
    expect(environmentPrefix("stacks/shop/", "staging")).toBe("stacks/shop/env/staging/");
    expect(environmentPrefix("", "staging")).toBe("env/staging/");
    expect(environmentPrefix("stacks/shop/", "production")).toBe("stacks/shop/");
    const env = { SLIPWAY_STATE: "s3://states/shop", AWS_REGION: "fsn1" };
    expect(stateStorage("/srv/shop", env, "staging").backend.location).toBe(
      "s3://states/shop/env/staging/state.json",
    );
    expect(stateStorage("/srv/shop", env).backend.location).toBe("s3://states/shop/state.json");
  });
});

describe("secrets file paths", () => {
  it("give each environment its own file unless SLIPWAY_SECRETS_FILE names one", () => {
    expect(secretsFilePath({}, "/srv/shop")).toBe("/srv/shop/slipway.secrets.json");
    expect(secretsFilePath({}, "/srv/shop", "production")).toBe("/srv/shop/slipway.secrets.json");
    expect(secretsFilePath({}, "/srv/shop", "staging")).toBe("/srv/shop/slipway.secrets.staging.json");
    expect(secretsFilePath({ SLIPWAY_SECRETS_FILE: "/etc/app/s.json" }, "/srv/shop", "staging")).toBe(
      "/etc/app/s.json",
    );
  });
});

describe("an environment's state", () => {
  const env = { SLIPWAY_PASSPHRASE: "correct horse" };
  const quiet = { onKeyFileCreated: () => undefined };
  const open = (dir: string, environment?: string, lock = true) =>
    openStackState({
      stackDir: dir,
      stackName: environment ? `shop-${environment}` : "shop",
      stackFile: join(dir, "slipway.config.ts"),
      keys: stackKeys(dir, env, { ...quiet, environment }),
      env,
      environment,
      ...(lock ? { lock: { reason: "test", timeoutMs: 0 } } : {}),
    });

  it("is written, locked and kept in history under its own directory, never in the default one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-env-"));
    const { state, lock } = await open(dir, "staging");
    expect(readdirSync(join(dir, ".slipway", "env", "staging"))).toContain("state.lock");
    await state.setGenerated("hetzner.server.web", { note: "one" });
    await state.setGenerated("hetzner.server.web", { note: "two" });
    await lock?.release();
    expect(readdirSync(join(dir, ".slipway"))).toEqual(["env"]);
    expect(readdirSync(join(dir, ".slipway", "env", "staging")).sort()).toEqual(["history", "state.json"]);
    const again = await open(dir, "staging", false);
    expect(again.state.document.stack).toBe("shop-staging");
    expect(again.state.generated("hetzner.server.web")).toEqual({ note: "two" });
  });

  it("is apart from the default state, which stays where it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-env-"));
    const base = await open(dir);
    await base.state.setGenerated("hetzner.server.web", { note: "production" });
    await base.lock?.release();
    const staging = await open(dir, "staging", false);
    expect(staging.state.generated("hetzner.server.web")).toBeUndefined();
    const production = await open(dir, undefined, false);
    expect(production.state.document.stack).toBe("shop");
    expect(production.state.generated("hetzner.server.web")).toEqual({ note: "production" });
    expect(readdirSync(join(dir, ".slipway")).sort()).toEqual(["history", "state.json"]);
  });
});
