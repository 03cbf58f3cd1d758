/**
 * Every default, read from the parsed form of the smallest stack. The fixed contract other code relies
 * on (server group, service, ssh, proxy) is asserted whole; the rest by path.
 */
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import { minimal, withStack } from "./helpers.ts";

const at = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], value);

describe("defaults", () => {
  const stack = parseStack(minimal());

  it("fill a server group", () => {
    expect(stack.servers.web).toEqual({
      type: "cx22",
      image: "debian-12",
      location: "fsn1",
      count: 1,
      labels: {},
      networks: {},
      ipv4: true,
      ipv6: true,
      backups: false,
      protect: false,
    });
  });

  it("fill a service, durations in milliseconds", () => {
    expect(stack.services.web).toEqual({
      image: "ghcr.io/acme/web:1.2",
      servers: ["web"],
      port: 8080,
      domains: [],
      healthcheck: { path: "/up", interval: 1000, timeout: 2000, healthyThreshold: 2, deadline: 60000 },
      env: {},
      secrets: {},
      replicas: 1,
      drain: 30000,
      hooks: {},
      runtime: "docker",
      mounts: [],
      dependsOn: [],
      keepReleases: 5,
    });
  });

  it("fill ssh and the proxy", () => {
    expect(stack.ssh).toEqual({ user: "deploy", port: 22, authorizedKeys: [] });
    expect(stack.proxy).toEqual({ image: "caddy:2", acme: {}, securityHeaders: true, redirectWww: false });
  });

  it.each([
    ["location", "fsn1"],
    ["environment", "production"],
    ["labels", {}],
    ["networks", {}],
    ["firewalls", {}],
    ["loadBalancers", {}],
    ["volumes", {}],
    ["placementGroups", {}],
    ["accessories", {}],
    ["buckets", {}],
    ["backups", {}],
    ["environments", {}],
    ["dns", undefined],
    ["registry", undefined],
    ["monitoring", undefined],
    ["ci", undefined],
    ["hosts.ufw.enabled", true],
    ["hosts.ufw.allowPrivateNetworks", true],
    ["hosts.fail2ban", { enabled: true, maxRetry: 5, findTime: 600_000, banTime: 3_600_000 }],
    ["hosts.upgrades", { enabled: true, reboot: false, rebootTime: "04:00" }],
    ["hosts.timezone", "UTC"],
    ["hosts.swap", undefined],
    ["logs", { maxSize: 10, maxFiles: 5 }],
  ])("%s defaults to %j", (path, value) => {
    expect(at(stack, path)).toEqual(value);
  });

  it("allow SSH, HTTP and HTTPS through UFW from anywhere", () => {
    expect(stack.hosts.ufw.allow).toEqual(
      ["22", "80", "443"].map((port) => ({ port, protocol: "tcp", from: ["any"] })),
    );
  });

  it.each([
    ["a server's location from the stack", { location: "hel1" }, "servers.web.location", "hel1"],
    [
      "a network's zone from the stack's location",
      { location: "ash", networks: { main: { ipRange: "10.0.0.0/16" } } },
      "networks.main.zone",
      "us-east",
    ],
    [
      "a network's only subnet",
      { networks: { main: { ipRange: "10.0.0.0/16" } } },
      "networks.main.subnets",
      { default: { ipRange: "10.0.0.0/16" } },
    ],
    [
      "a server's subnet from its network",
      {
        networks: { main: { ipRange: "10.0.0.0/16", subnets: { a: { ipRange: "10.0.1.0/24" } } } },
        servers: { web: { networks: ["main"] } },
      },
      "servers.web.networks.main",
      { subnet: "a" },
    ],
    [
      "a load balancer's location from the stack",
      { location: "nbg1", loadBalancers: { lb: { targets: ["web"] } } },
      "loadBalancers.lb.location",
      "nbg1",
    ],
    [
      "a volume's mount path from its name",
      { volumes: { data: { size: 10, servers: ["web"] } } },
      "volumes.data.mountPath",
      "/mnt/data",
    ],
    ["a bucket's name from the stack", { buckets: { backups: {} } }, "buckets.backups.name", "shop-backups"],
    [
      "the registry namespace from the stack",
      { registry: { server: "ghcr.io" } },
      "registry.namespace",
      "shop",
    ],
    ["the Dozzle server from the first group", { logs: { dozzle: {} } }, "logs.dozzle.server", "web"],
  ] as [string, Record<string, unknown>, string, unknown][])("derive %s", (_, patch, path, value) => {
    expect(at(parseStack(withStack(patch)), path)).toEqual(value);
  });

  it("give a load balancer TCP 80 and 443 with TCP health checks on the target port", () => {
    const lb = parseStack(withStack({ loadBalancers: { lb: { targets: ["web"] } } })).loadBalancers.lb!;
    expect(lb.services).toEqual(
      [80, 443].map((port) => ({
        protocol: "tcp",
        listen: port,
        destination: port,
        proxyProtocol: false,
        healthcheck: {
          protocol: "tcp",
          port,
          interval: 15_000,
          timeout: 10_000,
          retries: 3,
          path: "/",
          statusCodes: ["2??", "3??"],
        },
      })),
    );
    expect(lb).toMatchObject({ type: "lb11", algorithm: "round_robin", public: true, protect: false });
  });

  it("pick the backup tool from what is backed up", () => {
    const stack = parseStack(
      withStack({
        accessories: {
          db: { type: "postgres", server: "web", password: "x" },
          cache: { type: "redis", server: "web" },
        },
        buckets: { b: {} },
        backups: {
          db: { accessory: "db", bucket: "b", passphrase: "p" },
          cache: { accessory: "cache", bucket: "b", passphrase: "p" },
        },
      }),
    );
    expect(stack.backups.db).toMatchObject({ tool: "pgbackrest", prefix: "db", schedule: "0 3 * * *" });
    expect(stack.backups.db!.retention).toEqual({ daily: 7, weekly: 4, monthly: 6 });
    expect(stack.backups.cache).toMatchObject({ tool: "restic" });
  });

  it("give accessories their product's port and image", () => {
    const stack = parseStack(
      withStack({
        accessories: {
          db: { type: "postgres", server: "web", password: "x" },
          cache: { type: "redis", server: "web", version: 7.2 },
          search: { type: "meilisearch", server: "web", masterKey: "k" },
        },
      }),
    );
    expect(stack.accessories.db).toMatchObject({
      port: 5432,
      image: "postgres:16",
      database: "app",
      user: "app",
      ssl: false,
    });
    expect(stack.accessories.cache).toMatchObject({ port: 6379, image: "redis:7.2", version: "7.2" });
    expect(stack.accessories.search).toMatchObject({ port: 7700, image: "getmeili/meilisearch:v1.11" });
  });

  it("normalise firewall ports and default sources by direction", () => {
    const stack = parseStack(
      withStack({
        firewalls: {
          fw: {
            applyTo: ["web"],
            rules: [
              { port: 443 },
              { port: "8000-8100", protocol: "udp" },
              { direction: "out", port: 53 },
              { protocol: "icmp" },
            ],
          },
        },
      }),
    );
    expect(stack.firewalls.fw!.rules).toEqual([
      { direction: "in", protocol: "tcp", port: "443", sources: ["any"], destinations: [] },
      { direction: "in", protocol: "udp", port: "8000-8100", sources: ["any"], destinations: [] },
      { direction: "out", protocol: "tcp", port: "53", sources: [], destinations: ["any"] },
      { direction: "in", protocol: "icmp", sources: ["any"], destinations: [] },
    ]);
  });

  it("parse mounts and sizes", () => {
    const web = parseStack(
      withStack({ services: { web: { mounts: ["data:/app/data", "/srv/x:/x:ro"], memory: "1G" } } }),
    ).services.web!;
    expect(web.mounts).toEqual([
      { source: "data", target: "/app/data", readOnly: false },
      { source: "/srv/x", target: "/x", readOnly: true },
    ]);
    expect(web.memory).toBe(1024);
  });
});
