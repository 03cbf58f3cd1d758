// Caddy's admin-API JSON as data: base config, ACME issuer, one route per service, reading its upstream back.
import { describe, expect, it } from "vitest";
import {
  baseConfig,
  ROUTES_PATH,
  routeId,
  routeUpstreams,
  SECURITY_HEADERS,
  serviceRoute,
  tlsApp,
} from "../../../src/services/commands/caddy.ts";

describe("baseConfig", () => {
  it("listens on :443 with no routes and the admin API on localhost only", () => {
    expect(baseConfig({})).toEqual({
      admin: { listen: "localhost:2019" },
      apps: { http: { servers: { slipway: { listen: [":443"], routes: [] } } } },
    });
  });

  it("adds the tls app when an ACME server is set", () => {
    expect(baseConfig({ ca: "https://pebble:14000/dir" }).apps).toEqual({
      http: { servers: { slipway: { listen: [":443"], routes: [] } } },
      tls: { automation: { policies: [{ issuers: [{ module: "acme", ca: "https://pebble:14000/dir" }] }] } },
    });
  });
});

describe("tlsApp", () => {
  it.each([
    ["nothing set: Caddy's defaults", {}, null],
    ["only a trusted root, which needs a CA to matter", { caRootFile: "/etc/ca.pem" }, null],
    [
      "an email",
      { email: "ops@example.com" },
      { automation: { policies: [{ issuers: [{ module: "acme", email: "ops@example.com" }] }] } },
    ],
    [
      "a CA, its root and an email",
      { ca: "https://acme.test/dir", caRootFile: "/etc/slipway/proxy/ca.pem", email: "ops@example.com" },
      {
        automation: {
          policies: [
            {
              issuers: [
                {
                  module: "acme",
                  ca: "https://acme.test/dir",
                  trusted_roots_pem_files: ["/etc/slipway/proxy/ca.pem"],
                  email: "ops@example.com",
                },
              ],
            },
          ],
        },
      },
    ],
  ])("with %s", (_, acme, expected) => {
    expect(tlsApp(acme)).toEqual(expected);
  });
});

describe("serviceRoute", () => {
  const balancing = {
    load_balancing: {
      selection_policy: { policy: "round_robin" },
      try_duration: "10s",
      try_interval: "50ms",
    },
  };

  it("matches the domains and balances over both slots, checking their health, tagged with its id", () => {
    expect(
      serviceRoute(
        "slipway-shop-web",
        ["shop.example", "www.shop.example"],
        ["127.0.0.1:20001", "127.0.0.1:20002"],
        {
          securityHeaders: false,
          health: { path: "/up", intervalMs: 1000, timeoutMs: 2000 },
        },
      ),
    ).toEqual({
      "@id": "slipway-shop-web",
      match: [{ host: ["shop.example", "www.shop.example"] }],
      handle: [
        {
          handler: "reverse_proxy",
          upstreams: [{ dial: "127.0.0.1:20001" }, { dial: "127.0.0.1:20002" }],
          ...balancing,
          health_checks: { active: { uri: "/up", interval: "1000ms", timeout: "2000ms", expect_status: 2 } },
        },
      ],
      terminal: true,
    });
  });

  it("sets a refused slot aside by passive health when the service is checked by a command", () => {
    const route = serviceRoute("r", ["a.example"], ["127.0.0.1:1", "127.0.0.1:2"], {
      securityHeaders: false,
    });
    expect((route.handle as Record<string, unknown>[])[0]).toMatchObject({
      ...balancing,
      health_checks: { passive: { fail_duration: "2s", max_fails: 1 } },
    });
  });

  it("serves only a path prefix and below, with security headers before the proxy", () => {
    expect(
      serviceRoute("r", ["api.example"], ["127.0.0.1:1"], { pathPrefix: "/api", securityHeaders: true }),
    ).toEqual({
      "@id": "r",
      match: [{ host: ["api.example"], path: ["/api", "/api/*"] }],
      handle: [
        {
          handler: "headers",
          response: {
            set: {
              "Strict-Transport-Security": ["max-age=31536000; includeSubDomains"],
              "X-Content-Type-Options": ["nosniff"],
              "Referrer-Policy": ["strict-origin-when-cross-origin"],
              "Content-Security-Policy": ["frame-ancestors 'self'"],
            },
          },
        },
        {
          handler: "reverse_proxy",
          upstreams: [{ dial: "127.0.0.1:1" }],
          ...balancing,
          health_checks: { passive: { fail_duration: "2s", max_fails: 1 } },
        },
      ],
      terminal: true,
    });
  });

  it("copies the domain list rather than sharing it", () => {
    const domains = ["a.example"];
    const route = serviceRoute("r", domains, ["u"], { securityHeaders: false });
    domains.push("b.example");
    expect(route.match).toEqual([{ host: ["a.example"] }]);
  });
});

describe("routeUpstreams", () => {
  it("reads back the slots serviceRoute wrote, with or without headers", () => {
    for (const securityHeaders of [true, false]) {
      const slots = ["127.0.0.1:40000", "127.0.0.1:40001"];
      expect(routeUpstreams(serviceRoute("r", ["a"], slots, { securityHeaders }))).toEqual(slots);
    }
  });

  it.each([
    ["no route", null],
    ["a route without handlers", { "@id": "r" }],
    ["a route that only sets headers", { handle: [{ handler: "headers" }] }],
    ["a proxy without upstreams", { handle: [{ handler: "reverse_proxy", upstreams: [] }] }],
    ["a string", "not found"],
  ])("is empty for %s", (_, route) => {
    expect(routeUpstreams(route)).toEqual([]);
  });
});

describe("names and paths", () => {
  it("names a route after stack and service, and puts routes under the slipway server", () => {
    expect(routeId("shop", "web")).toBe("slipway-shop-web");
    expect(ROUTES_PATH).toBe("/config/apps/http/servers/slipway/routes");
    expect(Object.keys(SECURITY_HEADERS)).toHaveLength(4);
  });
});
