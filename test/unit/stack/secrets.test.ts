// SecretResolver: secret refs become values from the environment; every missing one is reported at once.
import { describe, expect, it } from "vitest";
import { secret } from "../../../src/config/secret.ts";
import { UsageError } from "../../../src/errors.ts";
import { SecretResolver } from "../../../src/stack/secrets.ts";

describe("SecretResolver", () => {
  it("resolves secret refs from the environment and names the secret keys", () => {
    const resolver = new SecretResolver({ DATABASE_URL: "postgres://u:hunter2@db/shop" });
    const env = { MODE: "production", DATABASE_URL: secret("DATABASE_URL") };
    expect(resolver.resolveEnv(env, "services.web.env")).toEqual({
      values: { MODE: "production", DATABASE_URL: "postgres://u:hunter2@db/shop" },
      secretKeys: ["DATABASE_URL"],
    });
    expect(() => resolver.check()).not.toThrow();
  });

  it("maps a key to a secret of another name", () => {
    const resolver = new SecretResolver({ PROD_TOKEN: "t" });
    expect(resolver.resolveEnv({ TOKEN: secret("PROD_TOKEN") }, "x").values).toEqual({ TOKEN: "t" });
  });

  it("accepts an empty value as set", () => {
    const resolver = new SecretResolver({ EMPTY: "" });
    resolver.resolveEnv({ A: secret("EMPTY") }, "services.web.env");
    expect(() => resolver.check()).not.toThrow();
  });

  it("reports every missing secret at once, each with every place it is used", () => {
    const resolver = new SecretResolver({ PRESENT: "hunter2" });
    resolver.resolveEnv({ DB: secret("DATABASE_URL"), OK: secret("PRESENT") }, "services.web.env");
    resolver.resolveEnv(
      { DATABASE_URL: secret("DATABASE_URL"), KEY: secret("STRIPE_KEY") },
      "services.worker.env",
    );
    let error: unknown;
    try {
      resolver.check();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      [
        "2 secret(s) have no value:",
        "  DATABASE_URL (used by services.web.env.DB, services.worker.env.DATABASE_URL)",
        "  STRIPE_KEY (used by services.worker.env.KEY)",
      ].join("\n"),
    );
    expect((error as UsageError).hint).toBe(
      "Export them before running slipway, e.g. export DATABASE_URL=…, or store them encrypted with: slipway secrets set DATABASE_URL",
    );
    expect((error as UsageError).exitCode).toBe(2);
    expect(`${(error as UsageError).message}${(error as UsageError).hint}`).not.toContain("hunter2");
  });

  it("reads process.env by default", () => {
    process.env.SLIPWAY_TEST_SECRET_VALUE = "from-process";
    try {
      expect(new SecretResolver().resolveEnv({ A: secret("SLIPWAY_TEST_SECRET_VALUE") }, "x").values.A).toBe(
        "from-process",
      );
    } finally {
      delete process.env.SLIPWAY_TEST_SECRET_VALUE;
    }
  });
});
