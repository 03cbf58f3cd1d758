import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator, tempDataFile } from "../../support/hetzner-emulator.ts";
import { RecordingLoadBalancerDriver } from "../../support/recording-drivers.ts";

let emu: TestEmulator;
let lbs: RecordingLoadBalancerDriver;
let web1: number;
let web2: number;
beforeAll(async () => {
  lbs = new RecordingLoadBalancerDriver();
  emu = await startTestEmulator({ loadBalancerDriver: lbs });
  web1 = await server("web-1", { role: "web" });
  web2 = await server("web-2", { role: "web" });
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function server(name: string, labels: Record<string, string>, extra: object = {}): Promise<number> {
  const res = await emu.api("POST", "/servers", {
    name,
    labels,
    server_type: "cx22",
    image: "debian-12",
    location: "fsn1",
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await emu.settle(res.body.action.id);
  return res.body.server.id;
}

const httpService = {
  protocol: "http",
  listen_port: 80,
  destination_port: 8080,
  proxyprotocol: false,
  health_check: {
    protocol: "http",
    port: 8080,
    interval: 5,
    timeout: 3,
    retries: 2,
    http: { path: "/health" },
  },
};

async function createLb(body: Record<string, unknown>) {
  const res = await emu.api("POST", "/load_balancers", {
    load_balancer_type: "lb11",
    location: "fsn1",
    ...body,
  });
  if (res.status === 201) await emu.settle(res.body.action.id);
  return res;
}

async function act(id: number, action: string, body: unknown = {}) {
  const res = await emu.api("POST", `/load_balancers/${id}/actions/${action}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(await emu.settle(res.body.action.id)).toMatchObject({ status: "success" });
  return res;
}

describe("POST /load_balancers", () => {
  it("creates a load balancer on the first address of the load balancer range and realizes it", async () => {
    const res = await createLb({
      name: "lb-web",
      labels: { env: "prod" },
      services: [httpService],
      targets: [
        { type: "server", server: { id: web1 } },
        { type: "label_selector", label_selector: { selector: "role=web" } },
      ],
    });
    expect(res.status).toBe(201);
    const lb = res.body.load_balancer;
    expect(lb).toMatchObject({
      name: "lb-web",
      labels: { env: "prod" },
      public_net: {
        enabled: true,
        ipv4: { ip: "127.0.3.2", dns_ptr: "static.2.3.0.127.clients.your-server.de" },
        ipv6: { ip: null, dns_ptr: null },
      },
      private_net: [],
      location: { name: "fsn1" },
      load_balancer_type: { name: "lb11", max_services: 5 },
      protection: { delete: false },
      algorithm: { type: "round_robin" },
    });
    expect(lb.services).toEqual([
      {
        ...httpService,
        health_check: {
          ...httpService.health_check,
          http: { domain: null, path: "/health", response: "", status_codes: ["2??", "3??"], tls: false },
        },
        http: { cookie_name: "HCLBSTICKY", cookie_lifetime: 300, timeout_idle: 50, sticky_sessions: false },
      },
    ]);
    expect(lb.targets[1]).toEqual({
      type: "label_selector",
      label_selector: { selector: "role=web" },
      use_private_ip: false,
      targets: [web1, web2].map((id) => ({
        type: "server",
        server: { id },
        health_status: [{ listen_port: 80, status: "unknown" }],
        use_private_ip: false,
      })),
    });
    expect(res.body.action).toMatchObject({
      command: "create_load_balancer",
      resources: [{ id: lb.id, type: "load_balancer" }],
    });
    expect(lbs.specs.get(lb.id)).toMatchObject({
      publicIpv4: "127.0.3.2",
      publicInterface: true,
      algorithm: "round_robin",
      targets: [
        { key: `server:${web1}`, address: "127.0.1.2" },
        { key: `server:${web2}`, address: "127.0.1.3" },
      ],
    });
  });

  it("reports the health the proxy checked, per target and service", async () => {
    const [lb] = (await emu.api("GET", "/load_balancers?name=lb-web")).body.load_balancers;
    lbs.setHealth(lb.id, [
      { listenPort: 80, target: `server:${web1}`, status: "healthy" },
      { listenPort: 80, target: `server:${web2}`, status: "unhealthy" },
    ]);
    const { body } = await emu.api("GET", `/load_balancers/${lb.id}`);
    expect(body.load_balancer.targets[0].health_status).toEqual([{ listen_port: 80, status: "healthy" }]);
    expect(
      body.load_balancer.targets[1].targets.map((t: { health_status: unknown }) => t.health_status),
    ).toEqual([[{ listen_port: 80, status: "healthy" }], [{ listen_port: 80, status: "unhealthy" }]]);
  });

  it.each([
    ["a taken name", { name: "lb-web" }, 409, "uniqueness_error"],
    ["an unknown type", { name: "x", load_balancer_type: "lb99" }, 422, "invalid_input"],
    ["no location", { name: "x", location: undefined }, 422, "invalid_input"],
    ["a location and a network zone", { name: "x", network_zone: "eu-central" }, 422, "invalid_input"],
    ["a name with spaces around", { name: " x" }, 422, "invalid_input"],
    [
      "two services on one port",
      { name: "x", services: [httpService, { ...httpService, destination_port: 81 }] },
      412,
      "source_port_already_used",
    ],
    [
      "a certificate",
      {
        name: "x",
        services: [{ ...httpService, protocol: "https", listen_port: 443, http: { certificates: [7] } }],
      },
      422,
      "invalid_input",
    ],
    [
      "HTTP options on a TCP service",
      { name: "x", services: [{ ...httpService, protocol: "tcp", http: { sticky_sessions: true } }] },
      422,
      "invalid_input",
    ],
    [
      "a health check interval of 1 s",
      {
        name: "x",
        services: [{ ...httpService, health_check: { ...httpService.health_check, interval: 1 } }],
      },
      422,
      "invalid_input",
    ],
    [
      "a server's IP as IP target",
      { name: "x", targets: [{ type: "ip", ip: { ip: "127.0.1.2" } }] },
      422,
      "cloud_resource_ip_not_allowed",
    ],
    [
      "a private target without network",
      { name: "x", targets: [{ type: "server", server: { id: 1000001 }, use_private_ip: true }] },
      422,
      "resolve_cloud_private_targets_error",
    ],
    [
      "an unknown server",
      { name: "x", targets: [{ type: "server", server: { id: 42 } }] },
      422,
      "invalid_input",
    ],
    [
      "a bad selector",
      { name: "x", targets: [{ type: "label_selector", label_selector: { selector: "a in (" } }] },
      422,
      "invalid_input",
    ],
    [
      "a target twice",
      {
        name: "x",
        targets: [
          { type: "ip", ip: { ip: "127.0.5.9" } },
          { type: "ip", ip: { ip: "127.0.5.9" } },
        ],
      },
      422,
      "target_already_defined",
    ],
    [
      "no public interface and no network",
      { name: "x", public_interface: false },
      422,
      "load_balancer_not_attached_to_network",
    ],
  ])("refuses %s", async (_, body, status, code) => {
    const before = (await emu.api("GET", "/load_balancers")).body.meta.pagination.total_entries;
    const res = await createLb(body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await emu.api("GET", "/load_balancers")).body.meta.pagination.total_entries).toBe(before);
  });

  it("refuses a public target on a server without public IPv4", async () => {
    const hidden = await server("hidden", {}, { public_net: { enable_ipv4: false, enable_ipv6: false } });
    const res = await createLb({ name: "x", targets: [{ type: "server", server: { id: hidden } }] });
    expect(res.body.error.code).toBe("resolve_cloud_public_targets_error");
    await emu.settle((await emu.api("DELETE", `/servers/${hidden}`)).body.action.id);
  });

  it("takes a network zone for the location and the type by id", async () => {
    const res = await createLb({
      name: "lb-zone",
      load_balancer_type: 2,
      location: undefined,
      network_zone: "us-east",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.load_balancer).toMatchObject({
      location: { name: "ash" },
      load_balancer_type: { name: "lb21" },
    });
    expect(res.body.load_balancer.public_net.ipv4.ip).toBe("127.0.3.3");
    expect((await emu.api("DELETE", `/load_balancers/${res.body.load_balancer.id}`)).status).toBe(204);
  });
});

describe("load balancer actions", () => {
  let id: number;
  beforeAll(async () => {
    id = (await createLb({ name: "lb-actions" })).body.load_balancer.id;
  });
  const get = async () => (await emu.api("GET", `/load_balancers/${id}`)).body.load_balancer;

  it("adds, updates and deletes services, each action realized", async () => {
    lbs.calls.length = 0;
    const added = await act(id, "add_service", {
      ...httpService,
      protocol: "tcp",
      health_check: { ...httpService.health_check, protocol: "tcp" },
    });
    expect(added.body.action).toMatchObject({
      command: "add_service",
      resources: [{ id, type: "load_balancer" }],
    });
    expect((await get()).services[0]).toEqual({
      protocol: "tcp",
      listen_port: 80,
      destination_port: 8080,
      proxyprotocol: false,
      health_check: { protocol: "tcp", port: 8080, interval: 5, timeout: 3, retries: 2 },
    });
    await act(id, "update_service", {
      listen_port: 80,
      protocol: "http",
      // The spec has update_service take a health check whole or not at all.
      health_check: { ...httpService.health_check, http: { domain: "app.test", status_codes: ["200"] } },
      http: { sticky_sessions: true, cookie_lifetime: 60 },
    });
    expect((await get()).services[0]).toMatchObject({
      protocol: "http",
      health_check: {
        protocol: "http",
        port: 8080,
        http: { domain: "app.test", path: "/", status_codes: ["200"] },
      },
      http: { sticky_sessions: true, cookie_lifetime: 60, cookie_name: "HCLBSTICKY", timeout_idle: 50 },
    });
    await act(id, "add_service", {
      ...httpService,
      protocol: "https",
      listen_port: 443,
      destination_port: 8443,
    });
    expect(lbs.specs.get(id)?.services.map((s) => s.listen_port)).toEqual([80, 443]);
    await act(id, "delete_service", { listen_port: 443 });
    expect((await get()).services.map((s: { listen_port: number }) => s.listen_port)).toEqual([80]);
    expect(lbs.calls).toEqual([`apply ${id}`, `apply ${id}`, `apply ${id}`, `apply ${id}`]);
  });

  it.each([
    ["add_service", { ...httpService }, 412, "source_port_already_used"],
    [
      "add_service",
      { ...httpService, listen_port: 443, protocol: "https", http: { redirect_http: true } },
      412,
      "source_port_already_used",
    ],
    ["add_service", { ...httpService, listen_port: 0 }, 422, "invalid_input"],
    [
      "add_service",
      { protocol: "udp", listen_port: 81, destination_port: 81, proxyprotocol: false },
      422,
      "invalid_input",
    ],
    ["update_service", { listen_port: 9999, destination_port: 1 }, 422, "invalid_input"],
    ["delete_service", { listen_port: 9999 }, 422, "invalid_input"],
    ["change_algorithm", { type: "fastest" }, 422, "invalid_input"],
    ["change_type", { load_balancer_type: "lb99" }, 422, "invalid_input"],
    ["change_dns_ptr", { ip: "127.0.9.9", dns_ptr: "lb.example.com" }, 422, "invalid_input"],
    ["remove_target", { type: "ip", ip: { ip: "127.0.5.5" } }, 422, "invalid_input"],
    ["disable_public_interface", {}, 422, "load_balancer_not_attached_to_network"],
    ["attach_to_network", { network: 4242 }, 404, "not_found"],
  ])("%s refuses %j", async (action, body, status, code) => {
    const res = await emu.api("POST", `/load_balancers/${id}/actions/${action}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it("gives a service without health check Hetzner's default one", async () => {
    await act(id, "add_service", { protocol: "http", listen_port: 8000, destination_port: 3000 });
    const added = (await get()).services.find((s: { listen_port: number }) => s.listen_port === 8000);
    expect(added).toMatchObject({
      proxyprotocol: false,
      health_check: {
        protocol: "http",
        port: 3000,
        interval: 15,
        timeout: 10,
        retries: 3,
        http: { path: "/" },
      },
      http: { cookie_name: "HCLBSTICKY", sticky_sessions: false },
    });
    await act(id, "delete_service", { listen_port: 8000 });
  });

  it("adds and removes targets", async () => {
    await act(id, "add_target", { type: "ip", ip: { ip: "127.0.5.5" } });
    await act(id, "add_target", { type: "label_selector", label_selector: { selector: "role=web" } });
    const dup = await emu.api("POST", `/load_balancers/${id}/actions/add_target`, {
      type: "ip",
      ip: { ip: "127.0.5.5" },
    });
    expect(dup.body.error.code).toBe("target_already_defined");
    expect(lbs.specs.get(id)?.targets.map((t) => t.key)).toEqual([
      "ip:127.0.5.5",
      `server:${web1}`,
      `server:${web2}`,
    ]);
    await act(id, "remove_target", { type: "ip", ip: { ip: "127.0.5.5" } });
    expect((await get()).targets.map((t: { type: string }) => t.type)).toEqual(["label_selector"]);
  });

  it("changes algorithm, type, protection and reverse DNS", async () => {
    await act(id, "change_algorithm", { type: "least_connections" });
    await act(id, "change_type", { load_balancer_type: "lb21" });
    await act(id, "change_protection", { delete: true });
    await act(id, "change_dns_ptr", { ip: (await get()).public_net.ipv4.ip, dns_ptr: "lb.example.com" });
    expect(await get()).toMatchObject({
      algorithm: { type: "least_connections" },
      load_balancer_type: { name: "lb21" },
      protection: { delete: true },
      public_net: { ipv4: { dns_ptr: "lb.example.com" } },
    });
    expect(lbs.specs.get(id)?.algorithm).toBe("least_connections");
    const del = await emu.api("DELETE", `/load_balancers/${id}`);
    expect(del.status).toBe(423);
    expect(del.body.error.code).toBe("protected");
    await act(id, "change_protection", { delete: false });
  });

  it("refuses a smaller type than the services in use need", async () => {
    const big = (await createLb({ name: "lb-big", load_balancer_type: "lb21" })).body.load_balancer.id;
    for (let port = 1; port <= 6; port++)
      await act(big, "add_service", {
        ...httpService,
        protocol: "tcp",
        listen_port: port,
        health_check: { ...httpService.health_check, protocol: "tcp" },
      });
    const res = await emu.api("POST", `/load_balancers/${big}/actions/change_type`, {
      load_balancer_type: "lb11",
    });
    expect(res.body.error.code).toBe("invalid_load_balancer_type");
    expect((await emu.api("DELETE", `/load_balancers/${big}`)).status).toBe(204);
  });

  it("is locked while an action runs", async () => {
    const release = (() => {
      let open = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      const apply = lbs.apply.bind(lbs);
      lbs.apply = async (spec) => {
        await gate;
        return apply(spec);
      };
      return () => {
        lbs.apply = apply;
        open();
      };
    })();
    const first = await emu.api("POST", `/load_balancers/${id}/actions/change_algorithm`, {
      type: "round_robin",
    });
    const second = await emu.api("POST", `/load_balancers/${id}/actions/change_algorithm`, {
      type: "round_robin",
    });
    expect(second.status).toBe(423);
    expect(second.body.error.code).toBe("locked");
    release();
    expect(await emu.settle(first.body.action.id)).toMatchObject({ status: "success" });
  });

  it("ends the action in error when the proxy cannot take the change", async () => {
    lbs.failNext("apply", "haproxy refused the configuration");
    const res = await emu.api("POST", `/load_balancers/${id}/actions/change_algorithm`, {
      type: "least_connections",
    });
    expect(await emu.settle(res.body.action.id)).toMatchObject({
      status: "error",
      error: { code: "action_failed", message: "haproxy refused the configuration" },
    });
  });

  it("lists its actions", async () => {
    const mine = (await emu.api("GET", `/load_balancers/${id}/actions?sort=id:desc&per_page=2`)).body;
    expect(mine.actions.map((a: { command: string }) => a.command)).toEqual([
      "change_algorithm",
      "change_algorithm",
    ]);
    expect(mine.meta.pagination.per_page).toBe(2);
    const all = (await emu.api("GET", "/load_balancers/actions?status=error")).body.actions;
    expect(all.map((a: { command: string }) => a.command)).toEqual(["change_algorithm"]);
    const one = await emu.api("GET", `/load_balancers/${id}/actions/${all[0].id}`);
    expect(one.body.action.id).toBe(all[0].id);
    const byId = await emu.api("GET", `/load_balancers/actions/${all[0].id}`);
    expect(byId.body.action.command).toBe("change_algorithm");
  });

  it("answers metrics as not supported by the sandbox", async () => {
    const res = await emu.api(
      "GET",
      `/load_balancers/${id}/metrics?type=open_connections&start=2025-01-01T00:00:00Z&end=2025-01-01T01:00:00Z`,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("unsupported_error");
  });
});

describe("load balancers and servers", () => {
  it("follows a label selector as servers come and go, and drops deleted server targets", async () => {
    const res = await createLb({
      name: "lb-follow",
      services: [httpService],
      targets: [{ type: "label_selector", label_selector: { selector: "role=api" } }],
    });
    const id = res.body.load_balancer.id;
    expect(lbs.specs.get(id)?.targets).toEqual([]);
    const api = await server("api-1", { role: "api" });
    await act(id, "add_target", { type: "server", server: { id: api } });
    const view = (await emu.api("GET", `/servers/${api}`)).body.server;
    expect(view.load_balancers).toEqual([id]);
    await emu.settle((await emu.api("DELETE", `/servers/${api}`)).body.action.id);
    const lb = (await emu.api("GET", `/load_balancers/${id}`)).body.load_balancer;
    expect(lb.targets).toEqual([
      {
        type: "label_selector",
        label_selector: { selector: "role=api" },
        targets: [],
        use_private_ip: false,
      },
    ]);
  });

  it("lists with filters, sorting and pages", async () => {
    const page = (await emu.api("GET", "/load_balancers?sort=name:desc&per_page=2&page=1")).body;
    expect(page.load_balancers.map((l: { name: string }) => l.name)).toEqual(["lb-web", "lb-follow"]);
    expect(page.meta.pagination).toMatchObject({ per_page: 2, next_page: 2 });
    const prod = (await emu.api("GET", "/load_balancers?label_selector=env%3Dprod")).body.load_balancers;
    expect(prod.map((l: { name: string }) => l.name)).toEqual(["lb-web"]);
    const bad = await emu.api("GET", "/load_balancers?sort=size");
    expect(bad.body.error.code).toBe("invalid_input");
  });

  it("renames and relabels, and deletes with its proxy", async () => {
    const [lb] = (await emu.api("GET", "/load_balancers?name=lb-follow")).body.load_balancers;
    const put = await emu.api("PUT", `/load_balancers/${lb.id}`, { name: "lb-renamed", labels: { a: "b" } });
    expect(put.body.load_balancer).toMatchObject({ name: "lb-renamed", labels: { a: "b" } });
    const taken = await emu.api("PUT", `/load_balancers/${lb.id}`, { name: "lb-web" });
    expect(taken.body.error.code).toBe("uniqueness_error");
    expect((await emu.api("DELETE", `/load_balancers/${lb.id}`)).status).toBe(204);
    for (let i = 0; i < 100 && lbs.specs.has(lb.id); i++) await new Promise((r) => setTimeout(r, 5));
    expect(lbs.calls.at(-1)).toBe(`destroy ${lb.id}`);
    expect((await emu.api("GET", `/load_balancers/${lb.id}`)).status).toBe(404);
  });
});

describe("load balancers on private networks", () => {
  let lbId: number;
  let networkId: number;
  beforeAll(async () => {
    const network = await emu.api("POST", "/networks", {
      name: "private",
      ip_range: "10.0.0.0/16",
      subnets: [{ type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central" }],
    });
    networkId = network.body.network.id;
    const attach = await emu.api("POST", `/servers/${web1}/actions/attach_to_network`, {
      network: networkId,
    });
    await emu.settle(attach.body.action.id);
    lbId = (await createLb({ name: "lb-private", services: [httpService] })).body.load_balancer.id;
  });
  const get = async () => (await emu.api("GET", `/load_balancers/${lbId}`)).body.load_balancer;

  it("attaches to a network at the next free IP and shows in the network", async () => {
    const res = await act(lbId, "attach_to_network", { network: networkId });
    expect(res.body.action.resources).toEqual([
      { id: lbId, type: "load_balancer" },
      { id: networkId, type: "network" },
    ]);
    expect((await get()).private_net).toEqual([{ network: networkId, ip: "10.0.1.2" }]);
    expect((await emu.api("GET", `/networks/${networkId}`)).body.network.load_balancers).toEqual([lbId]);
    expect(lbs.specs.get(lbId)?.networks).toEqual([
      { network: networkId, ip: "10.0.1.2", ipRange: "10.0.0.0/16" },
    ]);
    const again = await emu.api("POST", `/load_balancers/${lbId}/actions/attach_to_network`, {
      network: networkId,
    });
    expect(again.body.error.code).toBe("load_balancer_already_attached");
  });

  it("balances to private IPs, and goes private-only once every target uses them", async () => {
    await act(lbId, "add_target", { type: "server", server: { id: web2 } });
    const off = await emu.api("POST", `/load_balancers/${lbId}/actions/disable_public_interface`);
    expect(off.body.error.code).toBe("targets_without_use_private_ip");
    const notOnNetwork = await emu.api("POST", `/load_balancers/${lbId}/actions/add_target`, {
      type: "label_selector",
      label_selector: { selector: "role=none" },
      use_private_ip: true,
    });
    expect(notOnNetwork.status).toBe(201);
    await emu.settle(notOnNetwork.body.action.id);
    await act(lbId, "remove_target", { type: "server", server: { id: web2 } });
    const web2Private = await emu.api("POST", `/load_balancers/${lbId}/actions/add_target`, {
      type: "server",
      server: { id: web2 },
      use_private_ip: true,
    });
    expect(web2Private.body.error.code).toBe("resolve_cloud_private_targets_error");
    await act(lbId, "add_target", { type: "server", server: { id: web1 }, use_private_ip: true });
    expect(lbs.specs.get(lbId)?.targets).toEqual([{ key: `server:${web1}`, address: "10.0.1.1" }]);
    await act(lbId, "disable_public_interface");
    expect((await get()).public_net.enabled).toBe(false);
    expect(lbs.specs.get(lbId)?.publicInterface).toBe(false);
    const publicTarget = await emu.api("POST", `/load_balancers/${lbId}/actions/add_target`, {
      type: "ip",
      ip: { ip: "127.0.2.9" },
    });
    expect(publicTarget.body.error.code).toBe("load_balancer_public_interface_disabled");
  });

  it("leaves the network only with its public interface on and no private targets", async () => {
    const detach = () =>
      emu.api("POST", `/load_balancers/${lbId}/actions/detach_from_network`, { network: networkId });
    expect((await detach()).body.error.code).toBe("load_balancer_public_interface_disabled");
    await act(lbId, "enable_public_interface");
    expect((await detach()).body.error.code).toBe("invalid_input");
    await act(lbId, "remove_target", { type: "server", server: { id: web1 } });
    await act(lbId, "remove_target", { type: "label_selector", label_selector: { selector: "role=none" } });
    await act(lbId, "detach_from_network", { network: networkId });
    expect((await get()).private_net).toEqual([]);
  });

  it("is created on a network, private only", async () => {
    const res = await createLb({
      name: "lb-internal",
      network: networkId,
      public_interface: false,
      targets: [{ type: "server", server: { id: web1 }, use_private_ip: true }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.load_balancer).toMatchObject({
      public_net: { enabled: false },
      private_net: [{ network: networkId, ip: "10.0.1.2" }],
    });
    expect((await emu.api("DELETE", `/load_balancers/${res.body.load_balancer.id}`)).status).toBe(204);
    expect((await emu.api("GET", `/networks/${networkId}`)).body.network.load_balancers).toEqual([]);
  });
});

describe("load balancers across a restart", () => {
  it("removes proxies of deleted load balancers and re-applies every other", async () => {
    const file = tempDataFile();
    const first = new RecordingLoadBalancerDriver();
    const before = await startTestEmulator({ dataFile: file, loadBalancerDriver: first });
    const res = await before.api("POST", "/load_balancers", {
      name: "kept",
      load_balancer_type: "lb11",
      location: "fsn1",
    });
    await before.settle(res.body.action.id);
    await before.close();
    const second = new RecordingLoadBalancerDriver();
    const after = await startTestEmulator({ dataFile: file, loadBalancerDriver: second });
    for (let i = 0; i < 200 && second.calls.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(second.calls).toEqual([
      `prune ${res.body.load_balancer.id}`,
      `apply ${res.body.load_balancer.id}`,
    ]);
    before.assertAllValid();
    after.assertAllValid();
    await after.close();
  });
});

describe("proxies follow server changes", () => {
  it("re-applies a load balancer when a server starts or stops matching its selector", async () => {
    const driver = new RecordingLoadBalancerDriver();
    const local = await startTestEmulator({ loadBalancerDriver: driver, loadBalancerSyncMs: 10 });
    const res = await local.api("POST", "/load_balancers", {
      name: "follow",
      load_balancer_type: "lb11",
      location: "fsn1",
      targets: [{ type: "label_selector", label_selector: { selector: "tier=app" } }],
    });
    await local.settle(res.body.action.id);
    const id = res.body.load_balancer.id;
    const targets = () => driver.specs.get(id)?.targets.map((t) => t.key) ?? [];
    const until = async (want: string[]) => {
      for (let i = 0; i < 200 && JSON.stringify(targets()) !== JSON.stringify(want); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(targets()).toEqual(want);
    };
    const created = await local.api("POST", "/servers", {
      name: "app-1",
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
      labels: { tier: "app" },
    });
    await local.settle(created.body.action.id);
    await until([`server:${created.body.server.id}`]);
    await local.api("PUT", `/servers/${created.body.server.id}`, { labels: { tier: "db" } });
    await until([]);
    expect(driver.calls).toEqual([`apply ${id}`, `apply ${id}`, `apply ${id}`]);
    local.assertAllValid();
    await local.close();
  });
});
