/**
 * Unknown keys are errors at the key's own path, one line per key, with the intended key when it is
 * close (a typo, other casing, or another tool's word for it).
 */
import { describe, expect, it } from "vitest";
import { closest } from "../../../src/config/suggest.ts";
import { issuesOf, withStack } from "./helpers.ts";

describe("unknown keys", () => {
  it.each([
    ["at the top level", { lcation: "fsn1" }, "lcation", "location"],
    ["singular for plural", { service: {} }, "service", "services"],
    ["in a server group", { servers: { web: { typ: "cx22" } } }, "servers.web.typ", "type"],
    ["in a service", { services: { web: { helthcheck: {} } } }, "services.web.helthcheck", "healthcheck"],
    [
      "in other casing",
      { services: { web: { healthCheck: {} } } },
      "services.web.healthCheck",
      "healthcheck",
    ],
    ["with Compose's word", { services: { web: { environment: {} } } }, "services.web.environment", "env"],
    ["with Compose's volumes", { services: { web: { volumes: [] } } }, "services.web.volumes", "mounts"],
    [
      "in a healthcheck",
      { services: { web: { healthcheck: { intervall: "1s" } } } },
      "services.web.healthcheck.intervall",
      "interval",
    ],
    [
      "in hooks",
      { services: { web: { hooks: { predeploy: ["x"] } } } },
      "services.web.hooks.predeploy",
      "preDeploy",
    ],
    [
      "in a firewall rule",
      { firewalls: { fw: { applyTo: ["web"], rules: [{ port: 22, source: ["any"] }] } } },
      "firewalls.fw.rules[0].source",
      "sources",
    ],
    ["in hosts", { hosts: { fail2Ban: {} } }, "hosts.fail2Ban", "fail2ban"],
    ["in ssh", { ssh: { privatekey: "~/.ssh/id" } }, "ssh.privatekey", "privateKey"],
    [
      "in a load balancer service",
      { loadBalancers: { lb: { targets: ["web"], services: [{ listen: 80, health: {} }] } } },
      "loadBalancers.lb.services[0].health",
      "healthcheck",
    ],
    [
      "in one variant of an accessory",
      { accessories: { db: { type: "postgres", server: "web", password: "x", pasword: "y" } } },
      "accessories.db.pasword",
      "password",
    ],
  ] as [string, Record<string, unknown>, string, string][])(
    "are reported %s with a suggestion",
    (_, patch, path, key) => {
      expect(issuesOf(withStack(patch))).toEqual([{ path, message: `unknown key; did you mean "${key}"?` }]);
    },
  );

  it("get no suggestion when nothing is close", () => {
    expect(issuesOf(withStack({ services: { web: { colour: "blue" } } }))).toEqual([
      { path: "services.web.colour", message: "unknown key" },
    ]);
  });

  it("give one line per key", () => {
    expect(issuesOf(withStack({ servers: { web: { typo: 1, imagee: "x" } } }))).toEqual([
      { path: "servers.web.typo", message: 'unknown key; did you mean "type"?' },
      { path: "servers.web.imagee", message: 'unknown key; did you mean "image"?' },
    ]);
  });

  it("are reported together with the other shape errors of the same round", () => {
    const raw = withStack({ name: "Shop", services: { web: { helthcheck: {}, port: 0 } } });
    expect(issuesOf(raw).map((issue) => issue.path)).toEqual([
      "name",
      "services.web.port",
      "services.web.helthcheck",
    ]);
  });

  it("keys that are only a prefix of a known key still find it", () => {
    expect(closest("health", ["healthcheck", "port"])).toBe("healthcheck");
    expect(closest("hea", ["healthcheck", "port"])).toBeUndefined();
  });
});
