/**
 * One wrong field at a time, over a minimal valid stack: each row must produce exactly one issue, at the
 * path of the field, with a message that says what a valid value looks like.
 */
import { describe, expect, it } from "vitest";
import { issuesOf, withStack } from "./helpers.ts";

describe("shape errors", () => {
  it.each([
    [
      "stack name with capitals",
      { name: "Shop" },
      "name",
      'expected 1-40 lowercase letters, digits or dashes, starting with a letter, such as "acme-shop"',
    ],
    [
      "stack name too long",
      { name: "a".repeat(41) },
      "name",
      'expected 1-40 lowercase letters, digits or dashes, starting with a letter, such as "acme-shop"',
    ],
    [
      "unknown location",
      { location: "fsn" },
      "location",
      'expected "fsn1", "nbg1", "hel1", "ash", "hil" or "sin"; did you mean "fsn1"?',
    ],
    [
      "missing servers",
      { servers: null },
      "servers",
      "required; expected server groups by name such as { web: { … } }",
    ],
    [
      "server group name with underscore",
      { servers: { web_1: { type: "cx22", image: "debian-12" } } },
      "servers.web_1",
      'invalid name: expected a server group name of lowercase letters, digits and dashes such as "web"',
    ],
    [
      "server without type",
      { servers: { web: { type: null } } },
      "servers.web.type",
      'required; expected a Hetzner server type such as "cx22"',
    ],
    [
      "server type not a string",
      { servers: { web: { type: 22 } } },
      "servers.web.type",
      'expected a Hetzner server type such as "cx22"',
    ],
    [
      "count zero",
      { servers: { web: { count: 0 } } },
      "servers.web.count",
      "expected a whole number from 1 to 50 such as 2",
    ],
    [
      "count fractional",
      { servers: { web: { count: 1.5 } } },
      "servers.web.count",
      "expected a whole number from 1 to 50 such as 2",
    ],
    [
      "reserved label",
      { servers: { web: { labels: { "slipway/stack": "x" } } } },
      'servers.web.labels["slipway/stack"]',
      'invalid name: the "slipway/" label prefix is reserved for slipway; use another key such as "team"',
    ],
    [
      "label value with space",
      { servers: { web: { labels: { team: "a b" } } } },
      "servers.web.labels.team",
      'expected a label value of at most 63 letters, digits, "-", "_" or "." such as "backend"',
    ],
    [
      "networks as a string",
      { servers: { web: { networks: "main" } } },
      "servers.web.networks",
      'expected network names such as ["main"] or { main: { subnet: "app" } }',
    ],
    ["ipv4 as string", { servers: { web: { ipv4: "yes" } } }, "servers.web.ipv4", "expected true or false"],
    [
      "both image and build",
      { services: { web: { build: { context: "." } } } },
      "services.web.build",
      "set exactly one of image or build; remove one",
    ],
    [
      "neither image nor build",
      { services: { web: { image: null } } },
      "services.web.image",
      'set exactly one of image or build, e.g. image: "ghcr.io/acme/web:1.2"',
    ],
    [
      "bad image",
      { services: { web: { image: "Not An Image" } } },
      "services.web.image",
      'expected an image reference such as "ghcr.io/acme/web:1.2"',
    ],
    [
      "port out of range",
      { services: { web: { port: 70000 } } },
      "services.web.port",
      "expected a whole number from 1 to 65535 such as 8080",
    ],
    [
      "port as string",
      { services: { web: { port: "8080" } } },
      "services.web.port",
      "expected a whole number from 1 to 65535 such as 8080",
    ],
    [
      "domains without port",
      { services: { web: { port: null, domains: ["a.example.com"] } } },
      "services.web.port",
      "required when domains are set: the container port Caddy forwards to, e.g. port: 8080",
    ],
    [
      "uppercase domain",
      { services: { web: { domains: ["App.Example.com"] } } },
      "services.web.domains[0]",
      'expected a lowercase host name such as "app.example.com"',
    ],
    [
      "domain listed twice",
      { services: { web: { domains: ["a.example.com", "a.example.com"] } } },
      "services.web.domains[1]",
      '"a.example.com" is listed twice',
    ],
    [
      "healthcheck path without slash",
      { services: { web: { healthcheck: { path: "up" } } } },
      "services.web.healthcheck.path",
      'expected a string starting with "/"',
    ],
    [
      "healthyThreshold zero",
      { services: { web: { healthcheck: { healthyThreshold: 0 } } } },
      "services.web.healthcheck.healthyThreshold",
      "expected a whole number from 1 to 100 such as 2",
    ],
    [
      "command as string",
      { services: { web: { command: "npm start" } } },
      "services.web.command",
      'expected a command as an argv array such as ["npm", "run", "migrate"]',
    ],
    [
      "empty command",
      { services: { web: { command: [] } } },
      "services.web.command",
      'expected a command as an argv array such as ["npm", "run", "migrate"]',
    ],
    [
      "unknown runtime",
      { services: { web: { runtime: "kubernetes" } } },
      "services.web.runtime",
      'expected "docker" or "swarm"',
    ],
    [
      "swarm typo",
      { services: { web: { runtime: "swam" } } },
      "services.web.runtime",
      'expected "docker" or "swarm"; did you mean "swarm"?',
    ],
    [
      "bad mount",
      { services: { web: { mounts: ["data"] } } },
      "services.web.mounts[0]",
      'expected "<volume or /host/path>:/container/path[:ro]" such as "data:/app/data"',
    ],
    [
      "memory without unit",
      { services: { web: { memory: "512" } } },
      "services.web.memory",
      'expected a size such as "512M" or "2G"',
    ],
    [
      "empty servers list",
      { services: { web: { servers: [] } } },
      "services.web.servers",
      'expected a list of server group names such as ["web"]',
    ],
    [
      "server group listed twice",
      { services: { web: { servers: ["web", "web"] } } },
      "services.web.servers[1]",
      '"web" is listed twice',
    ],
    [
      "env name with dash",
      { services: { web: { env: { "MY-VAR": "x" } } } },
      "services.web.env.MY-VAR",
      'invalid name: expected an environment variable name such as "NODE_ENV"',
    ],
    [
      "pathPrefix trailing slash",
      { services: { web: { domains: ["a.example.com"], pathPrefix: "/api/" } } },
      "services.web.pathPrefix",
      'expected a path such as "/api"',
    ],
    [
      "pathPrefix without domains",
      { services: { web: { pathPrefix: "/api" } } },
      "services.web.pathPrefix",
      'needs domains to apply to, e.g. domains: ["app.example.com"]',
    ],
    [
      "firewall tcp without port",
      { firewalls: { fw: { applyTo: ["web"], rules: [{ sources: ["any"] }] } } },
      "firewalls.fw.rules[0].port",
      "required for tcp rules, e.g. port: 443",
    ],
    [
      "firewall bad source",
      { firewalls: { fw: { applyTo: ["web"], rules: [{ port: 22, sources: ["everyone"] }] } } },
      "firewalls.fw.rules[0].sources[0]",
      'expected "any", "cloudflare" or a CIDR block such as "203.0.113.7/32"',
    ],
    [
      "firewall port range backwards",
      { firewalls: { fw: { applyTo: ["web"], rules: [{ port: "9000-8000" }] } } },
      "firewalls.fw.rules[0].port",
      'expected a port from 1 to 65535 such as 443 or a range such as "8000-8100"',
    ],
    [
      "firewall out rule with sources",
      {
        firewalls: {
          fw: {
            applyTo: ["web"],
            rules: [{ direction: "out", port: 53, protocol: "udp", sources: ["any"] }],
          },
        },
      },
      "firewalls.fw.rules[0].sources",
      'only for "in" rules; use destinations',
    ],
    [
      "firewall without applyTo",
      { firewalls: { fw: { rules: [] } } },
      "firewalls.fw.applyTo",
      'required; expected a list of server group names such as ["web"]',
    ],
    [
      "network public range",
      { networks: { main: { ipRange: "8.8.0.0/16" } } },
      "networks.main.ipRange",
      "expected a private (RFC 1918) range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/24",
    ],
    [
      "network host bits",
      { networks: { main: { ipRange: "10.0.0.1/16" } } },
      "networks.main.ipRange",
      'host bits are set; did you mean "10.0.0.0/16"?',
    ],
    [
      "network too small",
      { networks: { main: { ipRange: "10.0.0.0/28" } } },
      "networks.main.ipRange",
      'Hetzner networks are at least a /24; use a range such as "10.0.0.0/24"',
    ],
    [
      "accessory missing type",
      { accessories: { db: { server: "web" } } },
      "accessories.db.type",
      'required; expected type "postgres", "redis", "meilisearch" or "generic"',
    ],
    [
      "postgres without password",
      { accessories: { db: { type: "postgres", server: "web" } } },
      "accessories.db.password",
      'required; expected a string such as "s3cret" or a secret such as secret("POSTGRES_PASSWORD")',
    ],
    [
      "postgres bad version",
      { accessories: { db: { type: "postgres", server: "web", password: "x", version: "latest" } } },
      "accessories.db.version",
      'expected a version such as "16" or "16.4"',
    ],
    [
      "redis with ssl",
      { accessories: { cache: { type: "redis", server: "web", ssl: true } } },
      "accessories.cache.ssl",
      "unknown key",
    ],
    [
      "generic without image",
      { accessories: { x: { type: "generic", server: "web" } } },
      "accessories.x.image",
      'required; expected an image reference such as "ghcr.io/acme/web:1.2"',
    ],
    [
      "backup without source",
      { backups: { db: { bucket: "b", passphrase: "p" } } },
      "backups.db",
      'set exactly one of accessory, service, volume or paths, e.g. accessory: "db"',
    ],
    [
      "backup two sources",
      { backups: { db: { accessory: "db", service: "web", bucket: "b", passphrase: "p" } } },
      "backups.db.service",
      'set exactly one of accessory, service, volume or paths, e.g. accessory: "db"',
    ],
    [
      "backup paths without servers",
      { backups: { db: { paths: ["/srv"], bucket: "b", passphrase: "p" } } },
      "backups.db.servers",
      'required with paths, e.g. servers: ["web"]',
    ],
    [
      "cron with 6 fields",
      { backups: { db: { accessory: "db", bucket: "b", passphrase: "p", schedule: "0 0 3 * * *" } } },
      "backups.db.schedule",
      'invalid cron schedule: has 6 fields, cron takes 5 (minute hour day month weekday); write one such as "0 3 * * *" (03:00 every day) or "@daily"',
    ],
    [
      "bucket name uppercase",
      { buckets: { b: { name: "MyBucket" } } },
      "buckets.b.name",
      'expected a bucket name of 3-63 lowercase letters, digits, dots or dashes such as "acme-backups"',
    ],
    [
      "lb duplicate listen",
      { loadBalancers: { main: { targets: ["web"], services: [{ listen: 443 }, { listen: 443 }] } } },
      "loadBalancers.main.services[1].listen",
      "port 443 is already used by another service",
    ],
    [
      "lb https without certificates",
      { loadBalancers: { main: { targets: ["web"], services: [{ listen: 443, protocol: "https" }] } } },
      "loadBalancers.main.services[0].http.certificates",
      'https services need certificate domains such as ["app.example.com"]',
    ],
    [
      "lb bad type",
      { loadBalancers: { main: { targets: ["web"], type: "lb12" } } },
      "loadBalancers.main.type",
      'expected "lb11", "lb21" or "lb31"; did you mean "lb11"?',
    ],
    [
      "volume too small",
      { volumes: { data: { size: 5, servers: ["web"] } } },
      "volumes.data.size",
      "expected a whole number from 10 to 10240 GB such as 50",
    ],
    [
      "dns record with two targets",
      { dns: { zone: "example.com", records: [{ name: "@", server: "web", value: "1.2.3.4" }] } },
      "dns.records[0].value",
      'set exactly one of server, loadBalancer or value, e.g. server: "web"',
    ],
    [
      "dns record without target",
      { dns: { zone: "example.com", records: [{ name: "@" }] } },
      "dns.records[0]",
      'set exactly one of server, loadBalancer or value, e.g. server: "web"',
    ],
    [
      "dns cname to server",
      { dns: { zone: "example.com", records: [{ name: "www", type: "CNAME", server: "web" }] } },
      "dns.records[0].type",
      'server and loadBalancer targets make "A" or "AAAA" records, not "CNAME"',
    ],
    [
      "dns bad ttl",
      { dns: { zone: "example.com", records: [{ name: "@", server: "web", ttl: 10 }] } },
      "dns.records[0].ttl",
      "expected a whole number from 60 to 86400 such as 300",
    ],
    [
      "dns A with hostname",
      { dns: { zone: "example.com", records: [{ name: "@", value: "example.net" }] } },
      "dns.records[0].value",
      'expected an IPv4 address such as "203.0.113.7"',
    ],
    [
      "dns mx without priority",
      { dns: { zone: "example.com", records: [{ name: "@", type: "MX", value: "mx.example.net" }] } },
      "dns.records[0].priority",
      "MX records need a priority such as 10",
    ],
    [
      "registry username only",
      { registry: { server: "ghcr.io", username: "bot" } },
      "registry.password",
      "set both username and password, or neither for anonymous pulls",
    ],
    [
      "ssh bad user",
      { ssh: { user: "Deploy User" } },
      "ssh.user",
      'expected a Linux user name such as "deploy"',
    ],
    [
      "acme bad email",
      { proxy: { acme: { email: "ops" } } },
      "proxy.acme.email",
      'expected an e-mail address such as "ops@example.com"',
    ],
    [
      "acme bad ca",
      { proxy: { acme: { ca: "not a url" } } },
      "proxy.acme.ca",
      'expected an ACME directory URL such as "https://acme.example.com/dir"',
    ],
    [
      "ufw bad port",
      { hosts: { ufw: { allow: [{ port: 0 }] } } },
      "hosts.ufw.allow[0].port",
      'expected a port from 1 to 65535 such as 443 or a range such as "8000-8100"',
    ],
    [
      "timezone",
      { hosts: { timezone: "berlin" } },
      "hosts.timezone",
      'expected a time zone such as "UTC" or "Europe/Berlin"',
    ],
    [
      "ci unknown scan",
      { ci: { scans: ["codeql", "snyk"] } },
      "ci.scans[1]",
      'expected "codeql", "gitleaks" or "trivy"',
    ],
    [
      "ci unknown tag",
      { ci: { imageTags: ["sha", "semver"] } },
      "ci.imageTags[1]",
      'expected "sha", "latest" or "env-version"',
    ],
    ["ci provider", { ci: { provider: "gitlab" } }, "ci.provider", 'expected "github"'],
    [
      "dozzle domain without password",
      { logs: { dozzle: { domain: "logs.example.com" } } },
      "logs.dozzle.password",
      'required with domain, e.g. password: secret("DOZZLE_PASSWORD")',
    ],
    [
      "monitoring missing server",
      { monitoring: { retention: "7d" } },
      "monitoring.server",
      'required; expected a server group name of lowercase letters, digits and dashes such as "monitor"',
    ],
    [
      "not an object section",
      { services: [] },
      "services",
      "expected services by name such as { web: { … } }",
    ],
    [
      "environments named production",
      { environments: { production: {} } },
      "environments.production",
      'invalid name: "production" is the stack as written; name overrides for another environment such as "staging"',
    ],
    [
      "environment not an object",
      { environments: { staging: 5 } },
      "environments.staging",
      "expected overrides such as { servers: { web: { count: 1 } } }",
    ],
  ] as [string, Record<string, unknown>, string, string][])("%s", (_, patch, path, message) => {
    expect(issuesOf(withStack(patch))).toEqual([{ path, message }]);
  });

  it("never falls back to zod's default message", () => {
    const all = issuesOf({
      name: 1,
      location: 2,
      servers: { web: 3 },
      services: { web: { servers: 4, port: {} } },
    });
    expect(all.length).toBeGreaterThan(3);
    for (const issue of all) expect(issue.message).not.toMatch(/Invalid input|Unrecognized key/);
  });
});
