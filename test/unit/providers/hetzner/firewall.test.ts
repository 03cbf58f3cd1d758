// hetzner.firewall against the in-process emulator: what each change sends, and the pure diff.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../../src/providers/hetzner/client.ts";
import {
  type FirewallInput,
  type FirewallRule,
  firewall,
  toApiRule,
} from "../../../../src/providers/hetzner/firewall.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let ctx: { hetzner: ReturnType<typeof createHetznerClient> };
let serverId: number;
beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
  const res = await emu.api("POST", "/servers", { name: "web-1", server_type: "cx22", image: "debian-12" });
  serverId = res.body.server.id;
  await emu.settle(res.body.action.id);
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

function mutations(): string[] {
  const calls = emu.exchanges
    .filter((e) => e.method !== "GET")
    .map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").replace(/\/\d+/g, "/N")}`);
  emu.exchanges.length = 0;
  return calls;
}

const rule = (port: string, sourceIps: string[]): FirewallRule => ({
  direction: "in",
  protocol: "tcp",
  port,
  sourceIps,
  destinationIps: [],
  description: null,
});

const want: FirewallInput = {
  name: "web",
  labels: { "slipway/stack": "shop", "slipway/resource": "web" },
  rules: [rule("22", ["0.0.0.0/0", "::/0"]), rule("443", ["0.0.0.0/0"])],
  applyTo: [{ labelSelector: "slipway/stack=shop" }],
};

describe("toApiRule", () => {
  it("sends source_ips for in rules, destination_ips for out rules, and no port for icmp", () => {
    expect(toApiRule(rule("22", ["10.0.0.0/8"]))).toEqual({
      direction: "in",
      protocol: "tcp",
      port: "22",
      source_ips: ["10.0.0.0/8"],
      description: null,
    });
    const icmp: FirewallRule = {
      ...rule("1", []),
      direction: "out",
      protocol: "icmp",
      port: null,
      destinationIps: ["0.0.0.0/0"],
    };
    expect(toApiRule(icmp)).toEqual({
      direction: "out",
      protocol: "icmp",
      destination_ips: ["0.0.0.0/0"],
      description: null,
    });
  });
});

describe("hetzner.firewall", () => {
  it("creates rules and targets in one call and waits for its actions", async () => {
    mutations();
    const created = await firewall.create(ctx, want);
    expect(mutations()).toEqual(["POST /firewalls"]);
    expect(created).toMatchObject({ name: "web", rules: want.rules, applyTo: want.applyTo });
    const actions = (await emu.api("GET", `/firewalls/${created.id}/actions`)).body.actions;
    expect(actions.every((a: { status: string }) => a.status === "success")).toBe(true);
  });

  it("ignores the order of rules and of their addresses", async () => {
    const have = await firewall.find?.(ctx, want);
    if (!have) throw new Error("firewall not found");
    const shuffled = { ...want, rules: [rule("443", ["0.0.0.0/0"]), rule("22", ["::/0", "0.0.0.0/0"])] };
    expect(firewall.diff(shuffled, have)).toEqual([]);
  });

  it("changing only rules sends only set_rules", async () => {
    const have = await firewall.find?.(ctx, want);
    if (!have) throw new Error("firewall not found");
    mutations();
    const next = { ...want, rules: [rule("22", ["203.0.113.0/24"])] };
    const updated = await firewall.update(ctx, have, next, firewall.diff(next, have));
    expect(mutations()).toEqual(["POST /firewalls/N/actions/set_rules"]);
    expect(updated.rules).toEqual(next.rules);
  });

  it("moves between targets with remove_from_resources then apply_to_resources", async () => {
    const have = await firewall.find?.(ctx, want);
    if (!have) throw new Error("firewall not found");
    mutations();
    const next = { ...want, rules: have.rules, applyTo: [{ server: serverId }] };
    const changes = firewall.diff(next, have);
    expect(changes.map((c) => c.path)).toEqual(["applyTo"]);
    const updated = await firewall.update(ctx, have, next, changes);
    expect(mutations()).toEqual([
      "POST /firewalls/N/actions/remove_from_resources",
      "POST /firewalls/N/actions/apply_to_resources",
    ]);
    expect(updated.applyTo).toEqual([{ server: serverId }]);
    const server = (await emu.api("GET", `/servers/${serverId}`)).body.server;
    expect(server.public_net.firewalls).toEqual([{ id: have.id, status: "applied" }]);
  });

  it("removes the firewall from its servers before deleting it; a second delete is a no-op", async () => {
    const have = await firewall.find?.(ctx, want);
    if (!have) throw new Error("firewall not found");
    mutations();
    await firewall.delete(ctx, have);
    await firewall.delete(ctx, have);
    expect(mutations()).toEqual(["POST /firewalls/N/actions/remove_from_resources", "DELETE /firewalls/N"]);
    expect(await firewall.read(ctx, String(have.id), want)).toBeNull();
  });
});
