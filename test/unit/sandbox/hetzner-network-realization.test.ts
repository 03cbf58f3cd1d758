import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NetworkingFailure, NetworkingPlan } from "../../../src/sandbox/hetzner/network-realization.ts";
import { networkingPlan } from "../../../src/sandbox/hetzner/network-realization.ts";
import { emptyState, type State } from "../../../src/sandbox/hetzner/state.ts";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import { MemoryDriver } from "../../support/memory-driver.ts";

/** A MemoryDriver that also records every networking plan it is asked to realize. */
class RecordingDriver extends MemoryDriver {
  readonly plans: NetworkingPlan[] = [];
  private readonly outcomes: (NetworkingFailure[] | string)[] = [];

  /** The next sync throws this message, or reports these failures. */
  failNextSync(outcome: NetworkingFailure[] | string): void {
    this.outcomes.push(outcome);
  }

  async syncNetworking(plan: NetworkingPlan): Promise<NetworkingFailure[]> {
    this.plans.push(plan);
    const outcome = this.outcomes.shift() ?? [];
    if (typeof outcome === "string") throw new Error(outcome);
    return outcome;
  }

  /** Waits for background work to record a plan that satisfies `check`; the last plan otherwise. */
  async until(check: (plan: NetworkingPlan) => boolean): Promise<NetworkingPlan> {
    for (let i = 0; i < 200 && !check(this.last()); i++) await new Promise((r) => setTimeout(r, 5));
    return this.last();
  }

  last(): NetworkingPlan {
    const plan = this.plans.at(-1);
    if (!plan) throw new Error("no plan recorded");
    return plan;
  }
}

function baseState(): State {
  const state = emptyState();
  const server = (id: number, ip: string | null, labels: Record<string, string>) => ({
    id,
    name: `s${id}`,
    status: "running" as const,
    created: "2026-01-01T00:00:00+00:00",
    serverTypeId: 104,
    imageId: 114690387,
    datacenterId: 4,
    publicIpv4: ip,
    labels,
    userData: null,
    rootSshKeys: [],
  });
  state.servers.push(server(1, "127.0.1.2", { role: "web" }), server(2, "127.0.1.3", { role: "db" }));
  return state;
}

const rule = (direction: "in" | "out", port: string | null, cidrs: string[], protocol = "tcp" as const) => ({
  description: null,
  direction,
  protocol,
  port,
  source_ips: direction === "in" ? cidrs : [],
  destination_ips: direction === "out" ? cidrs : [],
});

describe("networkingPlan", () => {
  it("leaves servers without firewalls unfiltered and realizes no network without servers", () => {
    const state = baseState();
    state.networks.push({
      id: 7,
      name: "empty",
      ip_range: "10.0.0.0/16",
      subnets: [],
      routes: [],
      servers: [],
      protection: { delete: false },
      labels: {},
      created: "",
      expose_routes_to_vswitch: false,
    });
    expect(networkingPlan(state)).toEqual({
      networks: [],
      servers: [
        { id: 1, publicIpv4: "127.0.1.2", networks: [], firewall: null },
        { id: 2, publicIpv4: "127.0.1.3", networks: [], firewall: null },
      ],
    });
  });

  it("unions the rules of every firewall on a server, drops IPv6 and opens outbound without out rules", () => {
    const state = baseState();
    state.firewalls.push(
      {
        id: 10,
        name: "ssh",
        labels: {},
        created: "",
        rules: [rule("in", "22", ["0.0.0.0/0", "::/0"]), rule("in", "80", ["::/0"])],
        appliedTo: [{ type: "server", serverId: 1 }],
      },
      {
        id: 11,
        name: "web",
        labels: {},
        created: "",
        rules: [rule("in", "443", ["203.0.113.0/24"])],
        appliedTo: [{ type: "label_selector", selector: "role=web" }],
      },
    );
    expect(networkingPlan(state).servers[0]?.firewall).toEqual({
      inbound: [
        { protocol: "tcp", port: "22", cidrs: ["0.0.0.0/0"] },
        { protocol: "tcp", port: "443", cidrs: ["203.0.113.0/24"] },
      ],
      outbound: null,
    });
    expect(networkingPlan(state).servers[1]?.firewall).toBeNull();
  });

  it("restricts outbound once any applied firewall has an out rule", () => {
    const state = baseState();
    state.firewalls.push({
      id: 10,
      name: "dns-only",
      labels: {},
      created: "",
      rules: [rule("out", "53", ["0.0.0.0/0"], "udp" as "tcp")],
      appliedTo: [{ type: "server", serverId: 2 }],
    });
    expect(networkingPlan(state).servers[1]?.firewall).toEqual({
      inbound: [],
      outbound: [{ protocol: "udp", port: "53", cidrs: ["0.0.0.0/0"] }],
    });
  });

  it("leaves out servers being deleted", () => {
    const state = baseState();
    const first = state.servers[0];
    if (first) first.status = "deleting";
    expect(networkingPlan(state).servers.map((s) => s.id)).toEqual([2]);
  });
});

describe("realization through the driver", () => {
  let emu: TestEmulator;
  let driver: RecordingDriver;
  let net: number;
  beforeAll(async () => {
    driver = new RecordingDriver();
    emu = await startTestEmulator({ driver });
    net = (
      await emu.api("POST", "/networks", {
        name: "n",
        ip_range: "10.0.0.0/16",
        subnets: [{ type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central" }],
      })
    ).body.network.id;
  });
  afterEach(() => emu.assertAllValid());
  afterAll(() => emu.close());

  it("realizes a server's networks once its machine exists", async () => {
    const res = await emu.api("POST", "/servers", {
      name: "a",
      server_type: "cx22",
      image: "debian-12",
      networks: [net],
    });
    await emu.settle(res.body.action.id);
    const id = res.body.server.id;
    expect(driver.effects()).toEqual([`create ${id}`]);
    expect(driver.last()).toEqual({
      networks: [{ id: net, ipRange: "10.0.0.0/16", gateway: "10.0.0.1" }],
      servers: [
        { id, publicIpv4: "127.0.1.2", networks: [{ networkId: net, ip: "10.0.1.1" }], firewall: null },
      ],
    });
  });

  it("finishes a firewall's actions after the driver enforced the rules", async () => {
    const before = driver.plans.length;
    const res = await emu.api("POST", "/firewalls", {
      name: "only-ssh",
      rules: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0"] }],
      apply_to: [{ type: "label_selector", label_selector: { selector: "role=web" } }],
    });
    await emu.settle(res.body.actions[0].id);
    expect(driver.plans.length).toBe(before + 1);
    expect(driver.last().servers[0]?.firewall).toBeNull(); // no server carries role=web yet
    const server = (await emu.api("GET", "/servers?name=a")).body.servers[0];
    await emu.api("PUT", `/servers/${server.id}`, { labels: { role: "web" } });
    const plan = await driver.until((p) => p.servers[0]?.firewall !== null);
    expect(plan.servers[0]?.firewall).toEqual({
      inbound: [{ protocol: "tcp", port: "22", cidrs: ["0.0.0.0/0"] }],
      outbound: null,
    });
  });

  it("fails only the actions whose server or network could not be realized", async () => {
    const server = (await emu.api("GET", "/servers?name=a")).body.servers[0];
    driver.failNextSync([{ networkId: null, serverId: server.id, message: "server unreachable" }]);
    const res = await emu.api("POST", "/firewalls", {
      name: "two-actions",
      rules: [{ direction: "in", protocol: "tcp", port: "80", source_ips: ["0.0.0.0/0"] }],
      apply_to: [{ type: "server", server: { id: server.id } }],
    });
    const [rules, apply] = res.body.actions;
    expect(await emu.settle(rules.id)).toMatchObject({ status: "success" });
    expect(await emu.settle(apply.id)).toMatchObject({
      status: "error",
      error: { code: "action_failed", message: "server unreachable" },
    });
    driver.failNextSync([{ networkId: 999, serverId: null, message: "network 999: pool overlaps" }]);
    const other = await emu.api("POST", `/firewalls/${res.body.firewall.id}/actions/set_rules`, {
      rules: [],
    });
    for (const a of other.body.actions) expect(await emu.settle(a.id)).toMatchObject({ status: "success" });
    const removed = await emu.api(
      "POST",
      `/firewalls/${res.body.firewall.id}/actions/remove_from_resources`,
      {
        remove_from: [{ type: "server", server: { id: server.id } }],
      },
    );
    for (const a of removed.body.actions) await emu.settle(a.id);
  });

  it("ends every action in error with the driver's message when the driver throws", async () => {
    const server = (await emu.api("GET", "/servers?name=a")).body.servers[0];
    driver.failNextSync("Pool overlaps with other one on this address space");
    const res = await emu.api("POST", `/servers/${server.id}/actions/detach_from_network`, { network: net });
    expect(await emu.settle(res.body.action.id)).toMatchObject({
      status: "error",
      error: { code: "action_failed", message: "Pool overlaps with other one on this address space" },
    });
  });

  it("realizes again after a server is deleted, without it", async () => {
    const server = (await emu.api("GET", "/servers?name=a")).body.servers[0];
    const fw = (await emu.api("GET", "/firewalls?name=only-ssh")).body.firewalls[0];
    const removed = await emu.api("POST", `/firewalls/${fw.id}/actions/remove_from_resources`, {
      remove_from: [{ type: "label_selector", label_selector: { selector: "role=web" } }],
    });
    for (const a of removed.body.actions) await emu.settle(a.id);
    const del = await emu.api("DELETE", `/servers/${server.id}`);
    await emu.settle(del.body.action.id);
    expect(await driver.until((p) => p.servers.length === 0)).toEqual({ networks: [], servers: [] });
  });
});
