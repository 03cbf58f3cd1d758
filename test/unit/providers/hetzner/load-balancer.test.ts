// hetzner.loadBalancer against the in-process emulator: what each change sends, and the pure diff.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../../src/providers/hetzner/client.ts";
import {
  type LoadBalancerInput,
  type LoadBalancerService,
  loadBalancer,
} from "../../../../src/providers/hetzner/load-balancer.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let ctx: { hetzner: ReturnType<typeof createHetznerClient> };
let serverId: number;
let networkId: number;
beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
  const net = await emu.api("POST", "/networks", {
    name: "main",
    ip_range: "10.0.0.0/16",
    subnets: [{ type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central" }],
  });
  networkId = net.body.network.id;
  const res = await emu.api("POST", "/servers", {
    name: "web-1",
    server_type: "cx22",
    image: "debian-12",
    location: "fsn1",
    labels: { "slipway/group": "web" },
    networks: [networkId],
  });
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

const tcp = (port: number): LoadBalancerService => ({
  protocol: "tcp",
  listenPort: port,
  destinationPort: port,
  proxyProtocol: false,
  healthCheck: { protocol: "tcp", port, interval: 15, timeout: 10, retries: 3, http: null },
  http: null,
});

const want = (): LoadBalancerInput => ({
  name: "shop-main",
  type: "lb11",
  location: "fsn1",
  algorithm: "round_robin",
  services: [tcp(80), tcp(443)],
  targets: [{ labelSelector: "slipway/group=web" }],
  usePrivateIp: true,
  network: { id: networkId, ip: "10.0.1.10" },
  public: true,
  labels: { "slipway/stack": "shop", "slipway/resource": "load-balancer.main" },
});

describe("hetzner.loadBalancer", () => {
  let id: number;

  it("creates the balancer with its services, then attaches the network and adds targets by action", async () => {
    mutations();
    const created = await loadBalancer.create(ctx, want());
    id = created.id;
    expect(mutations()).toEqual([
      "POST /load_balancers",
      "POST /load_balancers/N/actions/attach_to_network",
      "POST /load_balancers/N/actions/add_target",
    ]);
    expect(created).toMatchObject({
      type: "lb11",
      location: "fsn1",
      network: { id: networkId, ip: "10.0.1.10" },
      targets: [{ labelSelector: "slipway/group=web" }],
      usePrivateIp: true,
    });
    expect(created.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(loadBalancer.diff(want(), created)).toEqual([]);
    expect(await loadBalancer.find?.(ctx, want())).toEqual(created);
  });

  it("names each changed field, services by listen port, and changes them in place", async () => {
    const have = (await loadBalancer.read(ctx, String(id), want()))!;
    const next: LoadBalancerInput = {
      ...want(),
      type: "lb21",
      algorithm: "least_connections",
      services: [{ ...tcp(443), healthCheck: { ...tcp(443).healthCheck, interval: 5 } }, tcp(8080)],
      targets: [{ server: serverId }],
    };
    const changes = loadBalancer.diff(next, have);
    expect(changes.map((c) => [c.path, c.forcesReplace])).toEqual([
      ["type", false],
      ["algorithm", false],
      ["services.80", false],
      ["services.443", false],
      ["services.8080", false],
      ["targets", false],
    ]);
    mutations();
    const updated = await loadBalancer.update(ctx, have, next, changes);
    expect(mutations()).toEqual([
      "POST /load_balancers/N/actions/change_type",
      "POST /load_balancers/N/actions/change_algorithm",
      "POST /load_balancers/N/actions/delete_service",
      "POST /load_balancers/N/actions/update_service",
      "POST /load_balancers/N/actions/add_service",
      "POST /load_balancers/N/actions/remove_target",
      "POST /load_balancers/N/actions/add_target",
    ]);
    expect(loadBalancer.diff(next, updated)).toEqual([]);
  });

  it("compares the private address only when the stack fixes one, and names network and public changes", () => {
    const have = { ...want(), id: 1, ipv4: null, network: { id: networkId, ip: "10.0.1.10" } };
    expect(loadBalancer.diff({ ...want(), network: { id: networkId, ip: null } }, have)).toEqual([]);
    const moved = { ...want(), network: { id: networkId + 1, ip: null }, public: false };
    expect(loadBalancer.diff(moved, have).map((c) => [c.path, c.from, c.to])).toEqual([
      ["network", { id: networkId, ip: null }, { id: networkId + 1, ip: null }],
      ["public", true, false],
    ]);
  });

  it("replaces only for another location", () => {
    const have = { ...want(), id: 1, ipv4: null, network: { id: networkId, ip: "10.0.1.10" } };
    expect(loadBalancer.diff({ ...want(), location: "nbg1" }, have)).toEqual([
      { path: "location", from: "fsn1", to: "nbg1", forcesReplace: true, sensitive: undefined },
    ]);
  });

  it("deletes, and treats an already deleted balancer as done", async () => {
    const have = (await loadBalancer.read(ctx, String(id), want()))!;
    await loadBalancer.delete(ctx, have);
    expect(await loadBalancer.read(ctx, String(id), want())).toBeNull();
    await loadBalancer.delete(ctx, have);
  });
});
