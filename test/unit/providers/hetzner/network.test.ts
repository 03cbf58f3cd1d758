// hetzner.network against the in-process emulator: what each change sends, and the pure diff.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../../src/providers/hetzner/client.ts";
import { type NetworkInput, network, rangeCanGrow } from "../../../../src/providers/hetzner/network.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let ctx: { hetzner: ReturnType<typeof createHetznerClient> };
beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

/** The mutating calls since the last check, as "METHOD path". */
function mutations(): string[] {
  const calls = emu.exchanges
    .filter((e) => e.method !== "GET")
    .map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").replace(/\/\d+/g, "/N")}`);
  emu.exchanges.length = 0;
  return calls;
}

const want: NetworkInput = {
  name: "main",
  ipRange: "10.0.0.0/16",
  zone: "eu-central",
  subnets: ["10.0.1.0/24", "10.0.2.0/24"],
  routes: [{ destination: "10.9.0.0/16", gateway: "10.0.1.5" }],
  labels: { "slipway/stack": "shop", "slipway/resource": "main" },
};

describe("rangeCanGrow", () => {
  it.each([
    ["10.0.0.0/16", "10.0.0.0/15", true],
    ["10.0.0.0/16", "10.0.0.0/16", false],
    ["10.0.0.0/16", "10.0.0.0/17", false],
    ["10.1.0.0/16", "10.0.0.0/15", false],
  ])("%s → %s: %s", (from, to, expected) => {
    expect(rangeCanGrow(from, to)).toBe(expected);
  });
});

describe("hetzner.network", () => {
  it("creates the network with its subnets and routes in one call, and finds it by its labels", async () => {
    const created = await network.create(ctx, want);
    expect(created).toMatchObject({
      name: "main",
      ipRange: "10.0.0.0/16",
      subnets: [
        { ipRange: "10.0.1.0/24", zone: "eu-central" },
        { ipRange: "10.0.2.0/24", zone: "eu-central" },
      ],
      routes: want.routes,
      servers: [],
    });
    expect(mutations()).toEqual(["POST /networks"]);
    expect(await network.find?.(ctx, want)).toEqual(created);
    expect(network.diff({ ...want, subnets: [...want.subnets].reverse() }, created)).toEqual([]);
  });

  it("grows the range in place, but replaces the network for a range that does not grow", async () => {
    const have = await network.find?.(ctx, want);
    if (!have) throw new Error("network not found");
    expect(network.diff({ ...want, ipRange: "10.0.0.0/15" }, have)).toEqual([
      { path: "ipRange", from: "10.0.0.0/16", to: "10.0.0.0/15", forcesReplace: false, sensitive: undefined },
    ]);
    expect(network.diff({ ...want, ipRange: "10.1.0.0/16" }, have)[0]?.forcesReplace).toBe(true);
  });

  it("changes subnets and routes with their actions only, after growing the range", async () => {
    const have = await network.read(ctx, String((await network.find?.(ctx, want))?.id), want);
    if (!have) throw new Error("network not found");
    mutations();
    const next = {
      ...want,
      ipRange: "10.0.0.0/15",
      subnets: ["10.0.1.0/24", "10.1.0.0/24"],
      routes: [{ destination: "10.8.0.0/16", gateway: "10.0.1.6" }],
    };
    const updated = await network.update(ctx, have, next, network.diff(next, have));
    expect(mutations()).toEqual([
      "POST /networks/N/actions/change_ip_range",
      "POST /networks/N/actions/delete_route",
      "POST /networks/N/actions/delete_subnet",
      "POST /networks/N/actions/add_subnet",
      "POST /networks/N/actions/add_route",
    ]);
    expect(network.diff(next, updated)).toEqual([]);
  });

  it("renames with a PUT only, deletes, and treats a missing network as gone", async () => {
    const have = await network.find?.(ctx, want);
    if (!have) throw new Error("network not found");
    mutations();
    const next = {
      ...want,
      ipRange: have.ipRange,
      subnets: have.subnets.map((s) => s.ipRange),
      routes: have.routes,
      name: "main-2",
    };
    await network.update(ctx, have, next, network.diff(next, have));
    expect(mutations()).toEqual(["PUT /networks/N"]);
    await network.delete(ctx, have);
    await network.delete(ctx, have);
    expect(await network.read(ctx, String(have.id), want)).toBeNull();
  });

  it("names the field when Hetzner refuses the input", async () => {
    await expect(network.create(ctx, { ...want, name: "bad", ipRange: "8.8.0.0/16" })).rejects.toThrow(
      /create network bad failed: .*\(invalid_input, HTTP 422.*\n {2}ip_range: ip_range must be within one of the private ranges of RFC 1918/,
    );
  });
});
