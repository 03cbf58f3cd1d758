import { describe, expect, it } from "vitest";
import { money } from "../../../src/sandbox/hetzner/catalog-views.ts";
import { intToIp, ipToInt, nextFreeIpv4 } from "../../../src/sandbox/hetzner/ip-pool.ts";
import { RateLimiter } from "../../../src/sandbox/hetzner/rate-limit.ts";
import { parsePublicKey } from "../../../src/sandbox/hetzner/ssh-public-key.ts";
import { KEYS } from "../../support/ssh-keys.ts";

describe("parsePublicKey", () => {
  it.each(Object.entries(KEYS))("fingerprints the %s key as ssh-keygen -E md5 does", (_, key) => {
    expect(parsePublicKey(key.publicKey)?.fingerprint).toBe(key.fingerprint);
  });

  it("keeps type and comment, ignoring surrounding whitespace", () => {
    const parsed = parsePublicKey(`  ${KEYS.ed25519.publicKey}\n`);
    expect({ type: parsed?.type, comment: parsed?.comment }).toEqual({
      type: "ssh-ed25519",
      comment: "fixture-ed25519",
    });
  });

  const [type, blob] = KEYS.ed25519.publicKey.split(" ") as [string, string];
  it.each([
    ["empty", ""],
    ["type only", type],
    ["unknown type", `ssh-foo ${blob}`],
    ["type and blob disagree", `ssh-rsa ${blob}`],
    ["truncated blob", `${type} ${blob.slice(0, 20)}`],
    ["not base64", `${type} not*base64`],
    ["a private key line", "-----BEGIN OPENSSH PRIVATE KEY-----"],
  ])("rejects %s", (_, line) => {
    expect(parsePublicKey(line)).toBeNull();
  });
});

describe("RateLimiter", () => {
  it("allows a burst of `limit`, then refuses, then refills limit/3600 per second", () => {
    let now = 1_700_000_000_000;
    const limiter = new RateLimiter(3600, () => now);
    for (let i = 0; i < 3600; i++) expect(limiter.take().allowed).toBe(true);
    const refused = limiter.take();
    expect(refused).toEqual({
      allowed: false,
      state: { limit: 3600, remaining: 0, reset: 1_700_000_000 + 3600 },
    });
    now += 1000;
    expect(limiter.take()).toEqual({
      allowed: true,
      state: { limit: 3600, remaining: 0, reset: 1_700_000_000 + 3601 },
    });
    now += 10_000;
    expect(limiter.take().state.remaining).toBe(9);
  });

  it("refills a small limit proportionally (limit 36 = 1 per 100 s)", () => {
    let now = 0;
    const limiter = new RateLimiter(36, () => now);
    expect(limiter.take().state).toEqual({ limit: 36, remaining: 35, reset: 100 });
    now += 100_000;
    expect(limiter.take().state).toEqual({ limit: 36, remaining: 35, reset: 200 });
  });
});

describe("ip pool", () => {
  const range = { first: "127.0.1.2", last: "127.0.1.5" };
  it.each([
    ["the first address when nothing was handed out", [], null, "127.0.1.2"],
    ["the address after the last one handed out", ["127.0.1.2"], "127.0.1.2", "127.0.1.3"],
    ["a freed address only after the others", ["127.0.1.3"], "127.0.1.3", "127.0.1.4"],
    ["wrapping around at the end", ["127.0.1.5"], "127.0.1.5", "127.0.1.2"],
    ["skipping used addresses", ["127.0.1.3", "127.0.1.4"], "127.0.1.2", "127.0.1.5"],
    ["null when the pool is full", ["127.0.1.2", "127.0.1.3", "127.0.1.4", "127.0.1.5"], "127.0.1.5", null],
    ["the first address when the last one is outside the range", [], "10.0.0.1", "127.0.1.2"],
  ])("gives %s", (_, used, last, expected) => {
    expect(nextFreeIpv4(range, new Set(used), last)).toBe(expected);
  });

  it.each([["127.0.1.2"], ["0.0.0.0"], ["255.255.255.255"], ["10.20.30.40"]])("round-trips %s", (ip) => {
    expect(intToIp(ipToInt(ip))).toBe(ip);
  });
});

describe("money", () => {
  it.each([
    ["3.29", "3.2900000000", "3.9151000000000000"],
    ["0.0052", "0.0052000000", "0.0061880000000000"],
    ["0.0440", "0.0440000000", "0.0523600000000000"],
    ["1.00", "1.0000000000", "1.1900000000000000"],
    ["0.00", "0.0000000000", "0.0000000000000000"],
  ])("%s EUR net is %s net and %s gross at 19%% VAT", (net, expectedNet, expectedGross) => {
    expect(money(net)).toEqual({ net: expectedNet, gross: expectedGross });
  });
});
