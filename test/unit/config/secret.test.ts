/** Secret refs: the frozen value `secret()` returns, the guard, and where refs may stand in a stack. */
import { describe, expect, it } from "vitest";
import { isSecretRef, parseStack, secret } from "../../../src/config/index.ts";
import { issuesOf, withStack } from "./helpers.ts";

describe("secret", () => {
  it("returns a frozen { secret } ref", () => {
    const ref = secret("DATABASE_URL");
    expect(ref).toEqual({ secret: "DATABASE_URL" });
    expect(Object.isFrozen(ref)).toBe(true);
  });

  it.each([
    [secret("A"), true],
    [{ secret: "A" }, true],
    [{ secret: "A", extra: 1 }, false],
    [{ secret: 1 }, false],
    ["A", false],
    [null, false],
    [["A"], false],
  ])("isSecretRef(%j) is %s", (value, expected) => {
    expect(isSecretRef(value)).toBe(expected);
  });
});

describe("secret refs in a stack", () => {
  it("are accepted wherever a password, token or env value goes, and come back frozen", () => {
    const stack = parseStack(
      withStack({
        registry: { server: "ghcr.io", username: "bot", password: secret("GHCR_TOKEN") },
        services: { web: { env: { DATABASE_URL: secret("DATABASE_URL"), PORT: 8080, DEBUG: false } } },
      }),
    );
    expect(stack.services.web!.env).toEqual({
      DATABASE_URL: { secret: "DATABASE_URL" },
      PORT: "8080",
      DEBUG: "false",
    });
    expect(Object.isFrozen(stack.services.web!.env.DATABASE_URL)).toBe(true);
    expect(stack.registry?.password).toEqual({ secret: "GHCR_TOKEN" });
  });

  it.each([
    [
      "a lowercase name",
      { env: { DB: secret("db_url") } },
      "services.web.env.DB.secret",
      'expected a secret name in UPPER_SNAKE_CASE such as "DATABASE_URL"',
    ],
    [
      "an extra key in a ref",
      { env: { DB: { secret: "DB", from: "vault" } } },
      "services.web.env.DB",
      'expected a string such as "production" or a secret such as secret("DATABASE_URL")',
    ],
    [
      "a nested object",
      { env: { DB: { url: "x" } } },
      "services.web.env.DB",
      'expected a string such as "production" or a secret such as secret("DATABASE_URL")',
    ],
    [
      "a bad file name for a secret file",
      { secrets: { "../etc": secret("X") } },
      'services.web.secrets["../etc"]',
      'invalid name: expected a file name such as "db_password"',
    ],
    [
      "a plain string as a secret file",
      { secrets: { token: "abc" } },
      "services.web.secrets.token",
      'expected a secret reference such as secret("DATABASE_URL")',
    ],
  ])("reports %s at its path", (_, service, path, message) => {
    expect(issuesOf(withStack({ services: { web: service } }))).toEqual([{ path, message }]);
  });
});
