// hetzner.server's private networks and placement group against the in-process emulator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../../src/providers/hetzner/client.ts";
import { type ServerInput, server } from "../../../../src/providers/hetzner/server.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let ctx: { hetzner: ReturnType<typeof createHetznerClient> };
const nets: number[] = [];
const groups: number[] = [];
beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
  for (const [i, name] of ["a", "b", "c"].entries()) {
    const res = await emu.api("POST", "/networks", {
      name,
      ip_range: `10.${i}.0.0/16`,
      subnets: [{ type: "cloud", ip_range: `10.${i}.1.0/24`, network_zone: "eu-central" }],
    });
    nets.push(res.body.network.id);
  }
  for (const name of ["one", "two"]) {
    const res = await emu.api("POST", "/placement_groups", { name, type: "spread" });
    groups.push(res.body.placement_group.id);
  }
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

const want = (): ServerInput => ({
  name: "web-1",
  serverType: "cx22",
  image: "debian-12",
  location: "fsn1",
  labels: { "slipway/stack": "shop", "slipway/resource": "server.web-1" },
  rootKeys: [],
  userData: "#cloud-config\n",
  hostKey: "ssh-ed25519 AAAAhost",
  ipv6: false,
  networks: [
    { network: nets[0]!, ip: null },
    { network: nets[1]!, ip: "10.1.1.20" },
  ],
  placementGroup: groups[0]!,
});

describe("hetzner.server networks and placement group", () => {
  let id: number;

  it("joins networks without a fixed address at creation, the others by attach, and its placement group", async () => {
    mutations();
    const created = await server.create(ctx, want());
    id = created.id;
    expect(mutations()).toEqual(["POST /servers", "POST /servers/N/actions/attach_to_network"]);
    expect(created.placementGroup).toBe(groups[0]);
    expect(created.networks.map((n) => n.network).sort()).toEqual([nets[0], nets[1]].sort());
    expect(created.networks.find((n) => n.network === nets[1])?.ip).toBe("10.1.1.20");
    expect(created.privateIps).toContain("10.1.1.20");
    expect(server.diff(want(), created)).toEqual([]);
  });

  it("detaches and attaches networks in place, and moves placement group while off", async () => {
    const have = (await server.read(ctx, String(id), want()))!;
    const next = { ...want(), networks: [{ network: nets[2]!, ip: null }], placementGroup: groups[1]! };
    const changes = server.diff(next, have);
    expect(changes.map((c) => [c.path, c.forcesReplace])).toEqual([
      ["networks", false],
      ["placementGroup", false],
    ]);
    mutations();
    const updated = await server.update(ctx, have, next, changes);
    expect(mutations()).toEqual([
      "POST /servers/N/actions/poweroff",
      "POST /servers/N/actions/remove_from_placement_group",
      "POST /servers/N/actions/add_to_placement_group",
      "POST /servers/N/actions/detach_from_network",
      "POST /servers/N/actions/detach_from_network",
      "POST /servers/N/actions/attach_to_network",
      "POST /servers/N/actions/poweron",
    ]);
    expect(updated).toMatchObject({ status: "running", placementGroup: groups[1] });
    expect(updated.networks.map((n) => n.network)).toEqual([nets[2]]);
  });

  it("names a changed fixed address as a network change", async () => {
    const have = (await server.read(ctx, String(id), want()))!;
    const moved = {
      ...want(),
      networks: [{ network: nets[2]!, ip: "10.2.1.99" }],
      placementGroup: groups[1]!,
    };
    expect(server.diff(moved, have).map((c) => c.path)).toEqual(["networks"]);
  });
});

describe("hetzner.server find before a create", () => {
  const labels = { "slipway/stack": "shop", "slipway/resource": "server.db", "slipway/group": "db" };

  it("fails while planning, naming the field, for a type that can no longer be ordered", async () => {
    await expect(server.find!(ctx, { ...want(), labels, serverType: "cx31" })).rejects.toThrow(
      /^servers\.db\.type: server type cx31 can no longer be ordered \(unavailable since \d{4}-\d\d-\d\d\)$/,
    );
  });

  it("fails for a type Hetzner does not have, and finds nothing for a current one", async () => {
    await expect(server.find!(ctx, { ...want(), labels, serverType: "cx99" })).rejects.toThrow(
      'servers.db.type: Hetzner has no server type "cx99"',
    );
    expect(await server.find!(ctx, { ...want(), labels })).toBeNull();
  });
});
