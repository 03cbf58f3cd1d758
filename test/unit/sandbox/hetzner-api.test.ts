import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

describe("authentication", () => {
  it.each([
    ["a wrong token", "wrong"],
    ["an empty token", ""],
  ])("refuses %s with 401 unauthorized", async (_, token) => {
    const res = await emu.api("GET", "/servers", undefined, token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: "unauthorized", message: "unable to authenticate", details: null },
    });
  });

  it("refuses a request without Authorization header", async () => {
    const res = await fetch(`${emu.url}/servers`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});

describe("headers on every response", () => {
  it.each([
    ["a success", "GET", "/locations"],
    ["an error", "GET", "/servers/1"],
    ["an unknown path", "GET", "/nothing/here"],
  ])("%s carries RateLimit-* and X-Correlation-Id", async (_, method, path) => {
    const res = await emu.api(method, path);
    expect(res.headers.get("ratelimit-limit")).toBe("3600");
    expect(Number(res.headers.get("ratelimit-remaining"))).toBeGreaterThan(3500);
    expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(res.headers.get("x-correlation-id")).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("errors by code", () => {
  it.each([
    ["unparsable JSON", 400, "json_error", "POST", "/ssh_keys", "{nope"],
    ["a path outside the spec", 404, "not_found", "GET", "/nothing", undefined],
    ["a path outside /v1", 404, "not_found", "GET", "/../v2/servers", undefined],
    ["a missing server", 404, "not_found", "GET", "/servers/999", undefined],
    ["a non-numeric id", 422, "invalid_input", "GET", "/servers/abc", undefined],
    ["a method the spec lacks", 405, "method_not_allowed", "PATCH", "/servers", undefined],
    [
      "an endpoint the emulator does not implement",
      422,
      "unsupported_error",
      "GET",
      "/floating_ips",
      undefined,
    ],
    [
      "an action the emulator does not implement",
      422,
      "unsupported_error",
      "POST",
      "/servers/1/actions/rebuild",
      "{}",
    ],
  ])("%s answers %i %s", async (_, status, code, method, path, body) => {
    const res = await emu.api(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe("string");
  });
});

describe("rate limiting", () => {
  it("answers 429 rate_limit_exceeded once the bucket is empty, authenticated or not", async () => {
    const small = await startTestEmulator({ rateLimit: 3 });
    try {
      const statuses = [];
      for (const token of [undefined, "wrong", undefined])
        statuses.push((await small.api("GET", "/locations", undefined, token)).status);
      const refused = await small.api("GET", "/locations");
      expect(statuses).toEqual([200, 401, 200]);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: "rate_limit_exceeded", details: null });
      expect(refused.headers.get("ratelimit-limit")).toBe("3");
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      small.assertAllValid();
    } finally {
      await small.close();
    }
  });
});
