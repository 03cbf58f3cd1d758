import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../src/providers/hetzner/client.ts";
import { partitionRules, splitRule } from "../../../src/sandbox/faults/partition.ts";
import {
  decideApiFault,
  describeFaults,
  emptyFaultPlan,
  type FaultPlan,
} from "../../../src/sandbox/faults/plan.ts";
import { readFaultPlan, watchApiFaults, writeFaultPlan } from "../../../src/sandbox/faults/store.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";

const planWith = (api: FaultPlan["api"]): FaultPlan => ({ ...emptyFaultPlan(), api });

describe("decideApiFault", () => {
  const plan = planWith({ hetzner: { errorRate: 0.25, latencyMs: 40, status: 503 } });

  it("fails a request whose draw falls under the error rate, and delays every request", () => {
    expect(decideApiFault(plan, "hetzner", 0.1)).toEqual({ delayMs: 40, failWith: 503 });
    expect(decideApiFault(plan, "hetzner", 0.25)).toEqual({ delayMs: 40, failWith: null });
    expect(decideApiFault(plan, "hetzner", 0.9)).toEqual({ delayMs: 40, failWith: null });
  });

  it("leaves other services alone", () => {
    expect(decideApiFault(plan, "s3", 0)).toBeNull();
    expect(decideApiFault(plan, "cloudflare", 0)).toBeNull();
  });

  it("fails every request at rate 1 and none at rate 0", () => {
    const always = planWith({ s3: { errorRate: 1, latencyMs: 0, status: 500 } });
    const never = planWith({ s3: { errorRate: 0, latencyMs: 10, status: 500 } });
    expect(decideApiFault(always, "s3", 0.999999)?.failWith).toBe(500);
    expect(decideApiFault(never, "s3", 0)?.failWith).toBeNull();
  });
});

describe("describeFaults", () => {
  it("says what is in effect in words", () => {
    const plan: FaultPlan = {
      version: 1,
      api: { cloudflare: { errorRate: 0.2, latencyMs: 500, status: 429 } },
      partitions: [{ servers: ["a", "b"], rules: [] }],
    };
    expect(describeFaults(plan)).toEqual([
      "cloudflare API: 20% of requests fail with 429, +500 ms latency",
      "partition: a ⇹ b",
    ]);
    expect(describeFaults(emptyFaultPlan())).toEqual([]);
  });
});

describe("partitionRules", () => {
  it("drops both directions between every pair of addresses", () => {
    const rules = partitionRules(["172.29.1.2", "10.0.0.2"], ["172.29.1.3"]);
    const pairs = rules.map((r) => `${r[1]}>${r[3]}`);
    expect(pairs).toEqual([
      "172.29.1.2/32>172.29.1.3/32",
      "172.29.1.3/32>172.29.1.2/32",
      "10.0.0.2/32>172.29.1.3/32",
      "172.29.1.3/32>10.0.0.2/32",
    ]);
    for (const rule of rules) {
      expect(rule.slice(-2)).toEqual(["-j", "DROP"]);
      expect(rule).toContain("slipway-sandbox-fault");
    }
  });

  it("reads back rules as iptables -S prints them", () => {
    const line =
      '-A DOCKER-USER -s 172.29.1.2/32 -d 172.29.1.3/32 -m comment --comment "slipway sandbox fault" -j DROP';
    expect(splitRule(line)).toEqual([
      "-A",
      "DOCKER-USER",
      "-s",
      "172.29.1.2/32",
      "-d",
      "172.29.1.3/32",
      "-m",
      "comment",
      "--comment",
      "slipway sandbox fault",
      "-j",
      "DROP",
    ]);
  });
});

describe("the fault plan file", () => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-faults-"));

  it("is empty when missing, and round-trips", () => {
    const file = join(dir, "round-trip.json");
    expect(readFaultPlan(file)).toEqual(emptyFaultPlan());
    const plan = planWith({ hetzner: { errorRate: 0.5, latencyMs: 0, status: 500 } });
    writeFaultPlan(file, plan);
    expect(readFaultPlan(file)).toEqual(plan);
  });

  it("refuses a file it does not understand, saying how to reset it", () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ version: 1, api: { hetzner: { errorRate: 7 } }, partitions: [] }));
    expect(() => readFaultPlan(file)).toThrow(/not a fault plan.*/);
  });

  it("is picked up by a watcher as soon as it changes, even twice within a millisecond", () => {
    const file = join(dir, "watched.json");
    const decide = watchApiFaults(file, () => 0);
    expect(decide("hetzner")).toBeNull();
    writeFaultPlan(file, planWith({ hetzner: { errorRate: 1, latencyMs: 0, status: 503 } }));
    expect(decide("hetzner")).toEqual({ delayMs: 0, failWith: 503 });
    writeFaultPlan(file, emptyFaultPlan());
    expect(decide("hetzner")).toBeNull();
  });

  it("means no faults to a watcher when broken, rather than a broken sandbox", () => {
    const file = join(dir, "garbled.json");
    writeFileSync(file, "{ not json");
    expect(watchApiFaults(file)("hetzner")).toBeNull();
  });
});

describe("the Hetzner emulator under injected faults", () => {
  let emu: TestEmulator;
  let fault: { delayMs: number; failWith: number | null } | null = null;
  beforeAll(async () => {
    emu = await startTestEmulator({ fault: () => fault });
  });
  afterAll(() => emu.close());

  it.each([
    [503, "unavailable"],
    [504, "timeout"],
    [500, "server_error"],
    [429, "rate_limit_exceeded"],
  ])("answers %i with Hetzner's %s error object", async (status, code) => {
    fault = { delayMs: 0, failWith: status };
    const res = await emu.api("GET", "/servers");
    fault = null;
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/injected by slipway sandbox fault/);
    emu.assertAllValid();
  });

  it("delays requests by the injected latency", async () => {
    fault = { delayMs: 150, failWith: null };
    const started = performance.now();
    const res = await emu.api("GET", "/locations");
    const elapsed = performance.now() - started;
    fault = null;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(140);
  });

  it("is ridden out by slipway's client, which retries a GET through transient errors", async () => {
    let failures = 2;
    fault = null;
    const failing = await startTestEmulator({
      fault: () => (failures-- > 0 ? { delayMs: 0, failWith: 503 } : null),
    });
    try {
      const client = createHetznerClient({ endpoint: failing.url, token: TOKEN });
      const res = await client.GET("/locations");
      expect(res.response.status).toBe(200);
      expect(failures).toBeLessThan(0);
    } finally {
      await failing.close();
    }
  });
});
