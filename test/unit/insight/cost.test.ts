/**
 * Cost estimates against the sandbox's price list (its fixture prices, as GET /pricing serves them):
 * each example's total equals the sum worked out by hand below, and the plan's cost change counts
 * servers created, resized and deleted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlannedStep } from "../../../src/engine/plan.ts";
import { estimateCost } from "../../../src/insight/cost/estimate.ts";
import { formatMoney, parseMoney, times } from "../../../src/insight/cost/money.ts";
import { planCostChange } from "../../../src/insight/cost/plan-change.ts";
import { fetchPricing, Pricing } from "../../../src/insight/cost/pricing.ts";
import { renderCostChange, renderEstimate } from "../../../src/insight/cost/render.ts";
import { createHetznerClient } from "../../../src/providers/hetzner/client.ts";
import { loadBalancer } from "../../../src/providers/hetzner/load-balancer.ts";
import { server } from "../../../src/providers/hetzner/server.ts";
import { volume } from "../../../src/providers/hetzner/volume.ts";
import { pricingView } from "../../../src/sandbox/hetzner/catalog-views.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";
import { example, examplesDir } from "./support.ts";

const pricing = Pricing.parse(pricingView());

// Net monthly prices in the fixture: cx22 3.29, cx31 9.20, cx32 6.30, primary IPv4 0.50, IPv6 0,
// lb11 5.39, volumes 0.044/GB, server backups +20%; object storage 4.99 (slipway's estimate).
describe.each([
  ["hello", "3.79", "cx22 3.29 + IPv4 0.50"],
  ["mau", "8.78", "cx22 3.29 + IPv4 0.50 + object storage 4.99"],
  ["isntgram", "9.44", "cx22 3.29 + backups 0.658 + IPv4 0.50 + object storage 4.99 = 9.438"],
  ["mandari", "34.18", "2 × cx31 9.20 + 2 × IPv4 0.50 + lb11 5.39 + 2 × 50 GB × 0.044 + object storage 4.99"],
  ["tux", "57.14", "4 × cx22 3.29 + 4 × cx32 6.30 + 8 × IPv4 0.50 + lb11 5.39 + 2 × 50 GB × 0.044 + 4.99"],
])("cost of examples/%s", (name, net, _sum) => {
  it(`totals ${net} net, and gross is net plus 19% VAT`, async () => {
    const estimate = estimateCost(await example(name), pricing);
    expect(formatMoney(estimate.net)).toBe(net);
    expect(formatMoney(estimate.gross, 4)).toBe(formatMoney(times(estimate.net, "1.19"), 4));
    expect(estimate.lines.reduce((s, l) => s + l.net, 0n)).toBe(estimate.net);
  });
});

describe("estimateCost", () => {
  it("lists each resource with what it is billed for", async () => {
    const estimate = estimateCost(await example("mandari"), pricing);
    expect(estimate.lines.map((l) => [l.resource, l.detail, formatMoney(l.net, 4)])).toEqual([
      ["server master", "cx31 · nbg1", "9.2000"],
      ["primary IPv4 of master", "nbg1", "0.5000"],
      ["server replica", "cx31 · nbg1", "9.2000"],
      ["primary IPv4 of replica", "nbg1", "0.5000"],
      ["load balancer main", "lb11 · nbg1", "5.3900"],
      ["volume data on master", "50 GB", "2.2000"],
      ["volume data on replica", "50 GB", "2.2000"],
      ["object storage (mandari-backups)", "Hetzner base price, 1 TB + 1 TB egress included", "4.9900"],
    ]);
    // 20 TB per server and per load balancer
    expect(estimate.traffic.includedBytes).toBe(3 * 20 * 1024 ** 4);
    expect(estimate.traffic.perTbNet).toBe(parseMoney("1"));
  });

  it("names the field when a server type is not on the price list", async () => {
    const stack = await example("hello");
    const odd = { ...stack, servers: { web: { ...stack.servers.web!, type: "cx99" } } };
    expect(() => estimateCost(odd, pricing)).toThrow(
      'servers.web.type: "cx99" is not on Hetzner\'s price list',
    );
  });

  it("renders a table with the total", async () => {
    const text = renderEstimate("hello", estimateCost(await example("hello"), pricing));
    expect(text).toContain("server web");
    expect(text).toMatch(/Total per month\s+3\.79\s+4\.51/);
    expect(text).toContain("Traffic: 20 TB outgoing a month included; each further TB costs 1.00 net.");
  });
});

describe("planCostChange", () => {
  const step = (
    address: string,
    action: PlannedStep["action"],
    want: unknown,
    have: unknown,
  ): PlannedStep => ({
    address,
    kind: server,
    action,
    changes: [],
    want,
    have,
    dependsOn: [],
  });

  it("adds created servers, subtracts deleted ones and prices a resize", () => {
    const plan: Plan = {
      steps: [
        step("hetzner.server.new", "create", { serverType: "cx22", location: "fsn1" }, null),
        step(
          "hetzner.server.big",
          "update",
          { serverType: "cx42", location: "fsn1" },
          { serverType: "cx32", location: "fsn1" },
        ),
        step("hetzner.server.old", "delete", null, { serverType: "cx32", location: "fsn1" }),
        step(
          "hetzner.server.same",
          "noop",
          { serverType: "cx22", location: "fsn1" },
          { serverType: "cx22", location: "fsn1" },
        ),
      ],
    };
    const change = planCostChange(plan, pricing);
    // +(3.29 + 0.50) + (15.90 - 6.30) - (6.30 + 0.50) = 3.79 + 9.60 - 6.80
    expect(formatMoney(change.net)).toBe("6.59");
    expect(renderCostChange(change, "EUR")).toBe(
      [
        "Monthly cost: +6.59 EUR net (+7.84 gross)",
        "     +3.79  hetzner.server.new (cx22 · fsn1)",
        "     +9.60  hetzner.server.big (cx32 · fsn1 → cx42 · fsn1)",
        "     -6.80  hetzner.server.old (cx32 · fsn1)",
      ].join("\n"),
    );
  });

  it("prices load balancers by type and location, and volumes by size", () => {
    const plan: Plan = {
      steps: [
        {
          ...step("hetzner.loadBalancer.main", "create", { type: "lb11", location: "fsn1" }, null),
          kind: loadBalancer,
        },
        { ...step("hetzner.volume.data", "update", { size: 50 }, { size: 20 }), kind: volume },
        { ...step("hetzner.volume.old", "delete", null, { size: 10 }), kind: volume },
      ],
    };
    const change = planCostChange(plan, pricing);
    // +5.39 + (50 - 20) × 0.044 - 10 × 0.044 = 5.39 + 1.32 - 0.44
    expect(formatMoney(change.net)).toBe("6.27");
    expect(change.items.map((i) => [i.address, formatMoney(i.net), i.detail])).toEqual([
      ["hetzner.loadBalancer.main", "5.39", "lb11 · fsn1"],
      ["hetzner.volume.data", "1.32", "20 GB → 50 GB"],
      ["hetzner.volume.old", "-0.44", "10 GB"],
    ]);
  });

  it("says nothing when no priced resource changes", () => {
    expect(renderCostChange(planCostChange({ steps: [] }, pricing), "EUR")).toBeNull();
  });
});

describe("fetchPricing", () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it("reads the price list the emulator serves", async () => {
    const live = await fetchPricing(createHetznerClient({ endpoint: emulator.url, token: TOKEN }));
    expect(live).toEqual(pricing);
    emulator.assertAllValid();
  });
});

describe("example READMEs", () => {
  it.each(["hello", "mau", "tux", "isntgram", "mandari"])(
    "examples/%s/README.md states the total slipway computes",
    async (name) => {
      const readme = readFileSync(join(examplesDir, name, "README.md"), "utf8");
      const row = /\| \*\*total\*\* \| \| \*\*([\d.]+)\*\* \| \*\*([\d.]+)\*\* \|/.exec(readme);
      const estimate = estimateCost(await example(name), pricing);
      expect(row?.slice(1)).toEqual([formatMoney(estimate.net), formatMoney(estimate.gross)]);
    },
  );
});
