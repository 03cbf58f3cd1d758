/**
 * Cross references, checked once every section is well-formed: each row is a small change to a minimal
 * stack and the exact issues it must produce (names that do not exist, ranges and addresses that do
 * not fit, things placed where they cannot work).
 */
import { describe, expect, it } from "vitest";
import type { ConfigIssue } from "../../../src/config/index.ts";
import { issuesOf, withStack } from "./helpers.ts";

const net = {
  networks: {
    main: {
      ipRange: "10.0.0.0/16",
      subnets: { app: { ipRange: "10.0.1.0/24" }, data: { ipRange: "10.0.2.0/24" } },
    },
  },
};
const db = { servers: { db: { type: "cx22", image: "debian-12" } } };

describe("cross references", () => {
  it.each([
    [
      "service on unknown group",
      { services: { web: { servers: ["wbe"] } } },
      [{ path: "services.web.servers[0]", message: 'unknown server group "wbe"; did you mean "web"?' }],
    ],
    [
      "service on unknown group, nothing close",
      { services: { web: { servers: ["api"] } } },
      [{ path: "services.web.servers[0]", message: 'unknown server group "api"; defined: "web"' }],
    ],
    [
      "server in unknown network",
      { ...net, servers: { web: { networks: ["mian"] } } },
      [{ path: "servers.web.networks.mian", message: 'unknown network "mian"; did you mean "main"?' }],
    ],
    [
      "server in unknown network, none defined",
      { servers: { web: { networks: ["main"] } } },
      [
        {
          path: "servers.web.networks.main",
          message: 'unknown network "main"; none is defined, add one under networks',
        },
      ],
    ],
    [
      "server in unknown subnet",
      { ...net, servers: { web: { networks: { main: { subnet: "ap" } } } } },
      [{ path: "servers.web.networks.main.subnet", message: 'unknown subnet "ap"; did you mean "app"?' }],
    ],
    [
      "ip outside subnet",
      { ...net, servers: { web: { networks: { main: { subnet: "app", ips: ["10.0.2.5"] } } } } },
      [
        {
          path: "servers.web.networks.main.ips[0]",
          message: '10.0.2.5 is outside subnet "app" (10.0.1.0/24)',
        },
      ],
    ],
    [
      "ip count mismatch",
      { ...net, servers: { web: { count: 2, networks: { main: { ips: ["10.0.1.5"] } } } } },
      [
        {
          path: "servers.web.networks.main.ips",
          message: "lists 1 address for 2 servers; give one per server",
        },
      ],
    ],
    [
      "reserved ip",
      { ...net, servers: { web: { networks: { main: { ips: ["10.0.1.0"] } } } } },
      [
        {
          path: "servers.web.networks.main.ips[0]",
          message: "10.0.1.0 is reserved (network, broadcast or gateway address); use one such as 10.0.1.2",
        },
      ],
    ],
    [
      "gateway ip",
      {
        networks: { main: { ipRange: "10.0.0.0/16" } },
        servers: { web: { networks: { main: { ips: ["10.0.0.1"] } } } },
      },
      [
        {
          path: "servers.web.networks.main.ips[0]",
          message: "10.0.0.1 is reserved (network, broadcast or gateway address); use one such as 10.0.0.2",
        },
      ],
    ],
    [
      "duplicate ip",
      {
        ...net,
        servers: {
          web: { networks: { main: { ips: ["10.0.1.5"] } } },
          db: { type: "cx22", image: "debian-12", networks: { main: { ips: ["10.0.1.5"] } } },
        },
      },
      [{ path: "servers.db.networks.main.ips[0]", message: "10.0.1.5 is already given to servers.web" }],
    ],
    [
      "network in another zone",
      { ...net, servers: { web: { location: "ash", networks: ["main"] } } },
      [
        {
          path: "servers.web.networks.main",
          message: 'network "main" is in eu-central but the servers are in ash (us-east)',
        },
      ],
    ],
    [
      "long server names",
      {
        name: "a".repeat(40),
        servers: { web: null, ["b".repeat(20)]: { type: "cx22", image: "debian-12", count: 10 } },
        services: { web: { servers: ["b".repeat(20)] } },
      },
      [
        {
          path: "servers.bbbbbbbbbbbbbbbbbbbb",
          message:
            'server names such as "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbb-10" would exceed 63 characters; shorten the group or stack name',
        },
      ],
    ],
    [
      "unknown placement group",
      { servers: { web: { placementGroup: "spread" } } },
      [
        {
          path: "servers.web.placementGroup",
          message: 'unknown placement group "spread"; none is defined, add one under placementGroups',
        },
      ],
    ],
    [
      "placement group too big",
      { placementGroups: { spread: {} }, servers: { web: { count: 11, placementGroup: "spread" } } },
      [
        {
          path: "placementGroups.spread",
          message: "holds 11 servers; Hetzner allows at most 10 in a spread group",
        },
      ],
    ],
    [
      "firewall on unknown group",
      { firewalls: { fw: { applyTo: ["we"], rules: [] } } },
      [{ path: "firewalls.fw.applyTo[0]", message: 'unknown server group "we"; did you mean "web"?' }],
    ],
    [
      "six firewalls",
      {
        firewalls: Object.fromEntries(
          ["a", "b", "c", "d", "e", "f"].map((n) => [n, { applyTo: ["web"], rules: [] }]),
        ),
      },
      [{ path: "servers.web", message: "has 6 firewalls; Hetzner allows at most 5 per server" }],
    ],
    [
      "lb unknown target",
      { loadBalancers: { lb: { targets: ["wev"] } } },
      [{ path: "loadBalancers.lb.targets[0]", message: 'unknown server group "wev"; did you mean "web"?' }],
    ],
    [
      "lb target outside its network",
      { ...net, loadBalancers: { lb: { targets: ["web"], network: "main" } } },
      [
        {
          path: "loadBalancers.lb.targets[0]",
          message: 'server group "web" is not in network "main"; add networks: ["main"] to it',
        },
      ],
    ],
    [
      "lb ip outside subnets",
      {
        ...net,
        servers: { web: { networks: ["main"] } },
        loadBalancers: { lb: { targets: ["web"], network: "main", ip: "10.0.9.9" } },
      },
      [{ path: "loadBalancers.lb.ip", message: '10.0.9.9 is in no subnet of network "main"' }],
    ],
    [
      "lb network in another zone",
      {
        ...net,
        servers: { web: { networks: ["main"] } },
        loadBalancers: { lb: { targets: ["web"], network: "main", location: "hil" } },
      },
      [
        {
          path: "loadBalancers.lb.network",
          message: 'network "main" is in eu-central but the balancer is in hil',
        },
      ],
    ],
    [
      "volume on unknown group",
      { volumes: { data: { size: 10, servers: ["dbb"] } } },
      [{ path: "volumes.data.servers[0]", message: 'unknown server group "dbb"; defined: "web"' }],
    ],
    [
      "bastion unknown",
      { ssh: { bastion: "bastion" } },
      [{ path: "ssh.bastion", message: 'unknown server group "bastion"; defined: "web"' }],
    ],
    [
      "bastion with two servers",
      { servers: { web: { count: 2 } }, ssh: { bastion: "web" } },
      [{ path: "ssh.bastion", message: 'server group "web" has 2 servers; a bastion is a group of count 1' }],
    ],
    [
      "private server without bastion",
      { servers: { web: { ipv4: false, ipv6: false } } },
      [
        {
          path: "servers.web.ipv4",
          message:
            'servers without a public address are reached through a bastion; set ssh.bastion, e.g. bastion: "bastion"',
        },
      ],
    ],
    [
      "private server not sharing a network with the bastion",
      {
        ...net,
        ...{ servers: { web: { ipv4: false, ipv6: false }, bastion: { type: "cx22", image: "debian-12" } } },
        ssh: { bastion: "bastion" },
      },
      [
        {
          path: "servers.web.networks",
          message: 'shares no network with the bastion "bastion", which must reach it',
        },
      ],
    ],
    [
      "ufw without ssh port",
      { ssh: { port: 2222 } },
      [
        {
          path: "hosts.ufw.allow",
          message: "does not allow the SSH port 2222, so slipway would lock itself out; add { port: 2222 }",
        },
      ],
    ],
    [
      "accessory on unknown group",
      { accessories: { db: { type: "postgres", server: "dbb", password: "x" } } },
      [{ path: "accessories.db.server", message: 'unknown server group "dbb"; defined: "web"' }],
    ],
    [
      "accessory on a group of two",
      {
        servers: { web: { count: 2 } },
        accessories: { db: { type: "postgres", server: "web", password: "x" } },
      },
      [
        {
          path: "accessories.db.server",
          message: 'server group "web" has 2 servers; an accessory runs on a group of count 1',
        },
      ],
    ],
    [
      "replica on the primary's server",
      {
        ...net,
        servers: { web: { networks: ["main"] } },
        accessories: {
          db: { type: "postgres", server: "web", password: "x", replicas: ["web"], network: "main" },
        },
      },
      [
        {
          path: "accessories.db.replicas[0]",
          message: '"web" already runs the primary; a replica needs another server group',
        },
      ],
    ],
    [
      "replica without network",
      { ...db, accessories: { db: { type: "postgres", server: "web", password: "x", replicas: ["db"] } } },
      [
        {
          path: "accessories.db.network",
          message: 'replicas reach the primary over a private network; set one, e.g. network: "main"',
        },
      ],
    ],
    [
      "meilisearch replica",
      {
        ...net,
        servers: {
          web: { networks: ["main"] },
          db: { type: "cx22", image: "debian-12", networks: ["main"] },
        },
        accessories: {
          s: { type: "meilisearch", server: "web", masterKey: "k", replicas: ["db"], network: "main" },
        },
      },
      [
        {
          path: "accessories.s.replicas",
          message: "replication is supported for postgres and redis, not meilisearch",
        },
      ],
    ],
    [
      "accessory network the server is not in",
      {
        ...net,
        ...db,
        accessories: { db: { type: "postgres", server: "db", password: "x", network: "main" } },
      },
      [
        {
          path: "accessories.db.network",
          message: 'server group "db" is not in network "main"; add networks: ["main"] to it',
        },
      ],
    ],
    [
      "accessory unknown volume",
      { accessories: { db: { type: "postgres", server: "web", password: "x", volume: "data" } } },
      [
        {
          path: "accessories.db.volume",
          message: 'unknown volume "data"; none is defined, add one under volumes',
        },
      ],
    ],
    [
      "accessory volume not attached",
      {
        ...db,
        volumes: { data: { size: 10, servers: ["db"] } },
        accessories: { db: { type: "postgres", server: "web", password: "x", volume: "data" } },
      },
      [
        {
          path: "accessories.db.volume",
          message: 'volume "data" is not attached to server group "web"; add it to volumes.data.servers',
        },
      ],
    ],
    [
      "service and accessory share a name",
      { accessories: { web: { type: "redis", server: "web" } } },
      [{ path: "services.web", message: '"web" is also an accessory; containers need distinct names' }],
    ],
    [
      "service depends on unknown",
      { services: { web: { dependsOn: ["dbb"] } }, accessories: { db: { type: "redis", server: "web" } } },
      [
        {
          path: "services.web.dependsOn[0]",
          message: 'unknown accessory or service "dbb"; did you mean "db"?',
        },
      ],
    ],
    [
      "service depends on itself",
      { services: { web: { dependsOn: ["web"] } } },
      [{ path: "services.web.dependsOn[0]", message: "cannot depend on itself" }],
    ],
    [
      "dependency cycle",
      {
        services: { web: { dependsOn: ["api"] }, api: { image: "x", servers: ["web"], dependsOn: ["web"] } },
      },
      [{ path: "services.web.dependsOn", message: "dependency cycle: web → api → web" }],
    ],
    [
      "accessory on another group without network",
      {
        ...db,
        accessories: { pg: { type: "postgres", server: "db", password: "x" } },
        services: { web: { dependsOn: ["pg"] } },
      },
      [
        {
          path: "services.web.dependsOn[0]",
          message:
            '"pg" runs only on "db" and has no network, so "web" cannot reach it; set accessories.pg.network',
        },
      ],
    ],
    [
      "duplicate domain",
      {
        services: {
          web: { domains: ["a.example.com"] },
          api: { image: "x", servers: ["web"], port: 1, domains: ["a.example.com"] },
        },
      },
      [{ path: "services.api.domains[0]", message: '"a.example.com" is already served by services.web' }],
    ],
    [
      "same domain, different prefixes",
      {
        services: {
          web: { domains: ["a.example.com"] },
          api: { image: "x", servers: ["web"], port: 1, domains: ["a.example.com"], pathPrefix: "/api" },
        },
      },
      [],
    ],
    [
      "dozzle domain taken",
      {
        services: { web: { domains: ["logs.example.com"] } },
        logs: { dozzle: { domain: "logs.example.com", password: "x" } },
      },
      [{ path: "logs.dozzle.domain", message: '"logs.example.com" is already served by services.web' }],
    ],
    [
      "backup unknown bucket and accessory",
      { backups: { db: { accessory: "db", bucket: "backups", passphrase: "p" } } },
      [
        {
          path: "backups.db.bucket",
          message: 'unknown bucket "backups"; none is defined, add one under buckets',
        },
        {
          path: "backups.db.accessory",
          message: 'unknown accessory "db"; none is defined, add one under accessories',
        },
      ],
    ],
    [
      "pgbackrest on redis",
      {
        accessories: { cache: { type: "redis", server: "web" } },
        buckets: { b: {} },
        backups: { cache: { accessory: "cache", tool: "pgbackrest", bucket: "b", passphrase: "p" } },
      },
      [{ path: "backups.cache.tool", message: 'pgbackrest backs up postgres, not redis; use "restic"' }],
    ],
    [
      "backup of a service without mounts",
      { buckets: { b: {} }, backups: { web: { service: "web", bucket: "b", passphrase: "p" } } },
      [{ path: "backups.web.service", message: 'service "web" mounts nothing to back up' }],
    ],
    [
      "backup paths on unknown group",
      {
        buckets: { b: {} },
        backups: { etc: { paths: ["/etc"], servers: ["wbe"], bucket: "b", passphrase: "p" } },
      },
      [{ path: "backups.etc.servers[0]", message: 'unknown server group "wbe"; did you mean "web"?' }],
    ],
    [
      "bucket default name too long",
      { name: "a".repeat(40), buckets: { ["b".repeat(30)]: {} } },
      [
        {
          path: "buckets.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
          message:
            'the default name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" exceeds 63 characters; set name',
        },
      ],
    ],
    [
      "two buckets, one name",
      { buckets: { a: { name: "same-name" }, b: { name: "same-name" } } },
      [{ path: "buckets.b.name", message: '"same-name" is also the name of buckets.a' }],
    ],
    [
      "dns unknown server",
      { dns: { zone: "example.com", records: [{ name: "@", server: "wbe" }] } },
      [{ path: "dns.records[0].server", message: 'unknown server group "wbe"; did you mean "web"?' }],
    ],
    [
      "dns A to a server without ipv4",
      {
        servers: { web: { ipv4: false } },
        dns: { zone: "example.com", records: [{ name: "@", server: "web" }] },
      },
      [{ path: "dns.records[0].server", message: 'server group "web" has no public IPv4 address' }],
    ],
    [
      "dns to internal lb",
      {
        ...net,
        servers: { web: { networks: ["main"] } },
        loadBalancers: { lb: { targets: ["web"], network: "main", public: false } },
        dns: { zone: "example.com", records: [{ name: "@", loadBalancer: "lb" }] },
      },
      [{ path: "dns.records[0].loadBalancer", message: 'load balancer "lb" is internal (public: false)' }],
    ],
    [
      "monitoring on a group of two",
      { servers: { web: { count: 2 } }, monitoring: { server: "web" } },
      [
        {
          path: "monitoring.server",
          message: 'server group "web" has 2 servers; monitoring runs on a group of count 1',
        },
      ],
    ],
    [
      "ci deploys an unknown environment",
      { ci: { deploy: [{ environment: "stagin" }] }, environments: { staging: {} } },
      [
        {
          path: "ci.deploy[0].environment",
          message: 'unknown environment "stagin"; did you mean "staging"?',
        },
      ],
    ],
  ] as [string, Record<string, unknown>, ConfigIssue[]][])("%s", (_, patch, issues) => {
    expect(issuesOf(withStack(patch))).toEqual(issues);
  });

  it("wait until every section is well-formed", () => {
    const raw = withStack({ name: "Shop", services: { web: { servers: ["nope"] } } });
    expect(issuesOf(raw).map((issue) => issue.path)).toEqual(["name"]);
  });
});
