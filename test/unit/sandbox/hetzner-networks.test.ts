import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

const zone = "eu-central";

async function createNetwork(body: Record<string, unknown>) {
  const res = await emu.api("POST", "/networks", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.network;
}

async function act(path: string, body: unknown) {
  const res = await emu.api("POST", path, body);
  if (res.status === 201) {
    const action = res.body.action ?? res.body.actions?.[0];
    if (action) expect(await emu.settle(action.id)).toMatchObject({ status: "success" });
  }
  return res;
}

describe("POST /networks", () => {
  it("creates a network with subnets and routes, gateway at the range's first address", async () => {
    const network = await createNetwork({
      name: "app",
      ip_range: "10.0.0.0/16",
      labels: { stack: "app" },
      subnets: [
        { type: "cloud", ip_range: "10.0.1.0/24", network_zone: zone },
        { type: "cloud", network_zone: zone },
      ],
      routes: [{ destination: "10.100.0.0/24", gateway: "10.0.1.10" }],
    });
    expect(network).toMatchObject({
      name: "app",
      ip_range: "10.0.0.0/16",
      labels: { stack: "app" },
      subnets: [
        { type: "cloud", ip_range: "10.0.1.0/24", network_zone: zone, gateway: "10.0.0.1" },
        { type: "cloud", ip_range: "10.0.0.0/24", network_zone: zone, gateway: "10.0.0.1" },
      ],
      routes: [{ destination: "10.100.0.0/24", gateway: "10.0.1.10" }],
      servers: [],
      protection: { delete: false },
      expose_routes_to_vswitch: false,
    });
    const got = await emu.api("GET", `/networks/${network.id}`);
    expect(got.body.network).toEqual(network);
  });

  it.each([
    ["a range outside RFC 1918", { ip_range: "8.8.0.0/16" }, "ip_range", "within one of the private ranges"],
    ["a range smaller than /24", { ip_range: "10.0.0.0/25" }, "ip_range", "minimum network size is /24"],
    ["host bits set", { ip_range: "10.0.0.1/16" }, "ip_range", "not a valid IPv4 CIDR"],
    [
      "a subnet outside the range",
      { subnets: [{ type: "cloud", ip_range: "10.1.0.0/24", network_zone: zone }] },
      "subnets[0].ip_range",
      "not inside the network's ip_range",
    ],
    [
      "overlapping subnets",
      {
        subnets: [
          { type: "cloud", ip_range: "10.0.0.0/24", network_zone: zone },
          { type: "cloud", ip_range: "10.0.0.0/23", network_zone: zone },
        ],
      },
      "subnets[1].ip_range",
      "overlaps the subnet 10.0.0.0/24",
    ],
    [
      "an unknown network zone",
      { subnets: [{ type: "cloud", network_zone: "mars" }] },
      "subnets[0].network_zone",
      "network zone mars not found",
    ],
    [
      "a vswitch subnet without vswitch_id",
      { subnets: [{ type: "vswitch", network_zone: zone }] },
      "subnets[0].vswitch_id",
      "required for subnets of type vswitch",
    ],
    [
      "a route gateway outside the range",
      { routes: [{ destination: "10.100.0.0/24", gateway: "192.168.0.1" }] },
      "routes[0].gateway",
      "not inside the network's ip_range",
    ],
    ["a missing ip_range", { ip_range: undefined }, "ip_range", "Missing data for required field."],
  ])("refuses %s with invalid_input naming the field", async (_, extra, field, message) => {
    const res = await emu.api("POST", "/networks", { name: "bad", ip_range: "10.0.0.0/16", ...extra });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.details.fields[0].name).toBe(field);
    expect(res.body.error.details.fields[0].messages[0]).toContain(message);
  });

  it("refuses a taken name with uniqueness_error", async () => {
    await createNetwork({ name: "taken", ip_range: "10.1.0.0/16" });
    const res = await emu.api("POST", "/networks", { name: "taken", ip_range: "10.2.0.0/16" });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "uniqueness_error",
      details: { fields: [{ name: "name" }] },
    });
  });
});

describe("GET /networks", () => {
  it("filters by name and label selector, sorts and paginates", async () => {
    await createNetwork({ name: "list-b", ip_range: "10.10.0.0/16", labels: { tier: "db" } });
    await createNetwork({ name: "list-a", ip_range: "10.11.0.0/16", labels: { tier: "web" } });
    const byName = await emu.api("GET", "/networks?name=list-a");
    expect(byName.body.networks.map((n: { name: string }) => n.name)).toEqual(["list-a"]);
    const bySelector = await emu.api("GET", "/networks?label_selector=tier%20in%20(db,web)&sort=name:asc");
    expect(bySelector.body.networks.map((n: { name: string }) => n.name)).toEqual(["list-a", "list-b"]);
    const page = await emu.api("GET", "/networks?per_page=1&page=2");
    expect(page.body.meta.pagination).toMatchObject({ page: 2, per_page: 1, previous_page: 1 });
    expect(page.body.networks).toHaveLength(1);
  });
});

describe("network actions", () => {
  let id: number;
  beforeAll(async () => {
    id = (await createNetwork({ name: "acts", ip_range: "10.20.0.0/16" })).id;
  });

  it("adds a subnet (first free /24 when no range is given) and deletes it", async () => {
    await act(`/networks/${id}/actions/add_subnet`, { type: "cloud", network_zone: zone });
    const add = await act(`/networks/${id}/actions/add_subnet`, {
      type: "cloud",
      network_zone: zone,
      ip_range: "10.20.5.0/24",
    });
    expect(add.body.action).toMatchObject({
      command: "add_subnet",
      resources: [{ id, type: "network" }],
    });
    let network = (await emu.api("GET", `/networks/${id}`)).body.network;
    expect(network.subnets.map((s: { ip_range: string }) => s.ip_range)).toEqual([
      "10.20.0.0/24",
      "10.20.5.0/24",
    ]);
    await act(`/networks/${id}/actions/delete_subnet`, { ip_range: "10.20.5.0/24" });
    network = (await emu.api("GET", `/networks/${id}`)).body.network;
    expect(network.subnets.map((s: { ip_range: string }) => s.ip_range)).toEqual(["10.20.0.0/24"]);
  });

  it("adds and deletes a route; a route over a subnet is invalid", async () => {
    await act(`/networks/${id}/actions/add_route`, { destination: "10.30.0.0/16", gateway: "10.20.0.2" });
    expect((await emu.api("GET", `/networks/${id}`)).body.network.routes).toEqual([
      { destination: "10.30.0.0/16", gateway: "10.20.0.2" },
    ]);
    const clash = await emu.api("POST", `/networks/${id}/actions/add_route`, {
      destination: "10.20.0.0/25",
      gateway: "10.20.0.2",
    });
    expect(clash.body.error.details.fields[0]).toEqual({
      name: "destination",
      messages: ["10.20.0.0/25 overlaps the subnet 10.20.0.0/24"],
    });
    await act(`/networks/${id}/actions/delete_route`, { destination: "10.30.0.0/16", gateway: "10.20.0.2" });
    expect((await emu.api("GET", `/networks/${id}`)).body.network.routes).toEqual([]);
  });

  it("only grows the range from the same first address", async () => {
    const shrink = await emu.api("POST", `/networks/${id}/actions/change_ip_range`, {
      ip_range: "10.20.0.0/17",
    });
    expect(shrink.status).toBe(422);
    expect(shrink.body.error.details.fields[0].messages[0]).toContain("can only grow");
    await act(`/networks/${id}/actions/change_ip_range`, { ip_range: "10.20.0.0/15" });
    expect((await emu.api("GET", `/networks/${id}`)).body.network.ip_range).toBe("10.20.0.0/15");
  });

  it("protects against deletion, updates name and labels, lists its actions", async () => {
    await act(`/networks/${id}/actions/change_protection`, { delete: true });
    const refused = await emu.api("DELETE", `/networks/${id}`);
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe("protected");
    const put = await emu.api("PUT", `/networks/${id}`, { name: "acts-2", labels: { a: "b" } });
    expect(put.body.network).toMatchObject({
      name: "acts-2",
      labels: { a: "b" },
      protection: { delete: true },
    });
    const actions = await emu.api("GET", `/networks/${id}/actions?sort=id`);
    expect(actions.body.actions.map((a: { command: string }) => a.command)).toContain("change_protection");
    const all = await emu.api("GET", "/networks/actions?status=success");
    expect(all.body.actions.length).toBeGreaterThan(0);
    await act(`/networks/${id}/actions/change_protection`, { delete: false });
    expect((await emu.api("DELETE", `/networks/${id}`)).status).toBe(204);
    expect((await emu.api("GET", `/networks/${id}`)).body.error.code).toBe("not_found");
  });
});

describe("servers on networks", () => {
  let net: { id: number };
  let web: { id: number };
  beforeAll(async () => {
    net = await createNetwork({
      name: "private",
      ip_range: "10.50.0.0/16",
      subnets: [
        { type: "cloud", ip_range: "10.50.0.0/24", network_zone: zone },
        { type: "cloud", ip_range: "10.50.1.0/24", network_zone: zone },
      ],
    });
    const res = await emu.api("POST", "/servers", {
      name: "net-web",
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
      networks: [net.id],
    });
    expect(res.status).toBe(201);
    web = res.body.server;
    expect(res.body.server.private_net).toEqual([
      { network: net.id, ip: "10.50.0.2", alias_ips: [], mac_address: expect.stringMatching(/^86:00:/) },
    ]);
    await emu.settle(res.body.action.id);
  });

  it("attaches with a requested IP and alias IPs; the network lists the server", async () => {
    const other = await createNetwork({
      name: "second",
      ip_range: "10.60.0.0/16",
      subnets: [{ type: "cloud", ip_range: "10.60.1.0/24", network_zone: zone }],
    });
    const res = await act(`/servers/${web.id}/actions/attach_to_network`, {
      network: other.id,
      ip: "10.60.1.7",
      alias_ips: ["10.60.1.8"],
    });
    expect(res.body.action).toMatchObject({
      command: "attach_to_network",
      resources: [
        { id: web.id, type: "server" },
        { id: other.id, type: "network" },
      ],
    });
    const server = (await emu.api("GET", `/servers/${web.id}`)).body.server;
    expect(server.private_net.map((p: { ip: string }) => p.ip)).toEqual(["10.50.0.2", "10.60.1.7"]);
    expect(server.private_net[1].alias_ips).toEqual(["10.60.1.8"]);
    expect((await emu.api("GET", `/networks/${other.id}`)).body.network.servers).toEqual([web.id]);
    await act(`/servers/${web.id}/actions/change_alias_ips`, { network: other.id, alias_ips: ["10.60.1.9"] });
    const after = (await emu.api("GET", `/servers/${web.id}`)).body.server;
    expect(after.private_net[1].alias_ips).toEqual(["10.60.1.9"]);
    await act(`/servers/${web.id}/actions/detach_from_network`, { network: other.id });
    expect((await emu.api("GET", `/networks/${other.id}`)).body.network.servers).toEqual([]);
  });

  it("refuses attaching the server twice with server_already_attached", async () => {
    const res = await emu.api("POST", `/servers/${web.id}/actions/attach_to_network`, { network: net.id });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("server_already_attached");
  });

  it.each([
    ["a taken IP", "10.50.0.2"],
    ["the gateway", "10.50.0.1"],
    ["a subnet's network address", "10.50.1.0"],
    ["an IP outside every subnet", "10.50.9.9"],
  ])("refuses %s with ip_not_available", async (_, ip) => {
    const s = await emu.api("POST", "/servers", {
      name: `fresh-${ip.replaceAll(".", "-")}`,
      server_type: "cx22",
      image: "debian-12",
    });
    await emu.settle(s.body.action.id);
    const res = await emu.api("POST", `/servers/${s.body.server.id}/actions/attach_to_network`, {
      network: net.id,
      ip,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("ip_not_available");
  });

  it("refuses a network whose subnets are in another zone with no_subnet_available", async () => {
    const us = await createNetwork({
      name: "us",
      ip_range: "10.70.0.0/16",
      subnets: [{ type: "cloud", ip_range: "10.70.0.0/24", network_zone: "us-east" }],
    });
    const res = await emu.api("POST", `/servers/${web.id}/actions/attach_to_network`, { network: us.id });
    expect(res.body.error.code).toBe("no_subnet_available");
  });

  it("refuses an overlapping second network with networks_overlap", async () => {
    const overlap = await createNetwork({
      name: "overlap",
      ip_range: "10.50.0.0/24",
      subnets: [{ type: "cloud", ip_range: "10.50.0.0/24", network_zone: zone }],
    });
    const res = await emu.api("POST", `/servers/${web.id}/actions/attach_to_network`, {
      network: overlap.id,
    });
    expect(res.body.error.code).toBe("networks_overlap");
  });

  it("refuses to delete a subnet with servers, detaches servers when the network is deleted", async () => {
    const busy = await emu.api("POST", `/networks/${net.id}/actions/delete_subnet`, {
      ip_range: "10.50.0.0/24",
    });
    expect(busy.body.error.code).toBe("service_error");
    expect((await emu.api("DELETE", `/networks/${net.id}`)).status).toBe(204);
    expect((await emu.api("GET", `/servers/${web.id}`)).body.server.private_net).toEqual([]);
  });

  it("server delete frees its private IP", async () => {
    const n = await createNetwork({
      name: "freed",
      ip_range: "10.80.0.0/16",
      subnets: [{ type: "cloud", ip_range: "10.80.0.0/24", network_zone: zone }],
    });
    const s = await emu.api("POST", "/servers", {
      name: "temp",
      server_type: "cx22",
      image: "debian-12",
      networks: [n.id],
    });
    await emu.settle(s.body.action.id);
    const del = await emu.api("DELETE", `/servers/${s.body.server.id}`);
    await emu.settle(del.body.action.id);
    expect((await emu.api("GET", `/networks/${n.id}`)).body.network.servers).toEqual([]);
  });

  it("refuses an unknown network at server create with invalid_input", async () => {
    const res = await emu.api("POST", "/servers", {
      name: "nope",
      server_type: "cx22",
      image: "debian-12",
      networks: [123],
    });
    expect(res.body.error.details.fields).toEqual([
      { name: "networks", messages: ["network 123 not found"] },
    ]);
  });
});
