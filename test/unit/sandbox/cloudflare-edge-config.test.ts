import { describe, expect, it } from "vitest";
import type { DnsRecord, State, ZoneRecord } from "../../../src/sandbox/cloudflare/state.ts";
import {
  cloudflareRequestHeaders,
  edgeCaddyConfig,
  originTransport,
  TRUST_FILE,
} from "../../../src/sandbox/edge/caddy-config.ts";
import { dialAddress, type EdgeSite, edgeSites } from "../../../src/sandbox/edge/sites.ts";

const T = "2026-01-01T00:00:00.000000Z";
const zone = (name: string, extra: Partial<ZoneRecord> = {}): ZoneRecord => ({
  id: `zone-${name}`,
  name,
  status: "active",
  type: "full",
  paused: false,
  ssl: "full",
  created_on: T,
  modified_on: T,
  activated_on: T,
  ...extra,
});
let nextId = 0;
const record = (z: ZoneRecord, type: string, name: string, content: string, proxied = false): DnsRecord => ({
  id: `r${nextId++}`,
  zoneId: z.id,
  name,
  type,
  content,
  proxied,
  ttl: 1,
  comment: null,
  tags: [],
  created_on: T,
  modified_on: T,
});

describe("edgeSites", () => {
  const ex = zone("example.test");
  it("serves each proxied name once, with its A origins at their container addresses", () => {
    const state: State = {
      version: 1,
      zones: [ex],
      records: [
        record(ex, "A", "app.example.test", "127.0.1.5", true),
        record(ex, "A", "app.example.test", "127.0.1.6", true),
        record(ex, "A", "plain.example.test", "127.0.1.7"),
        record(ex, "TXT", "app.example.test", "hello"),
      ],
    };
    expect(edgeSites(state)).toEqual([
      { zone: "example.test", host: "app.example.test", ssl: "full", origins: ["172.29.1.5", "172.29.1.6"] },
    ]);
  });

  it("follows a proxied CNAME through unproxied records to its addresses", () => {
    const state: State = {
      version: 1,
      zones: [ex],
      records: [
        record(ex, "CNAME", "shop.example.test", "lb.example.test", true),
        record(ex, "CNAME", "lb.example.test", "origin.example.test"),
        record(ex, "A", "origin.example.test", "127.0.3.2"),
        record(ex, "CNAME", "away.example.test", "elsewhere.invalid", true),
      ],
    };
    expect(edgeSites(state)).toEqual([
      { zone: "example.test", host: "away.example.test", ssl: "full", origins: [] },
      { zone: "example.test", host: "shop.example.test", ssl: "full", origins: ["172.29.3.2"] },
    ]);
  });

  it("skips paused zones", () => {
    const paused = zone("paused.test", { paused: true });
    const state: State = {
      version: 1,
      zones: [paused],
      records: [record(paused, "A", "paused.test", "127.0.1.5", true)],
    };
    expect(edgeSites(state)).toEqual([]);
  });

  it.each([
    ["127.0.1.5", "172.29.1.5"],
    ["127.0.3.9", "172.29.3.9"],
    ["127.0.0.1", "127.0.0.1"],
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8::1", "2001:db8::1"],
  ])("dials %s at %s", (address, dialled) => {
    expect(dialAddress(address)).toBe(dialled);
  });
});

describe("the edge's Caddy configuration", () => {
  const site = (ssl: EdgeSite["ssl"], origins = ["172.29.1.5"]): EdgeSite => ({
    zone: "example.test",
    host: "app.example.test",
    ssl,
    origins,
  });

  it.each([
    ["flexible", "https", 80, null],
    ["off", "https", 80, null],
    ["full", "http", 80, null],
    ["full", "https", 443, { server_name: "{http.request.host}", insecure_skip_verify: true }],
    ["strict", "https", 443, { server_name: "{http.request.host}", root_ca_pem_files: [TRUST_FILE] }],
  ] as const)("reaches a %s origin of a %s visitor on port %i", (ssl, scheme, port, tls) => {
    expect(originTransport(site(ssl), scheme)).toEqual({ port, tls });
  });

  it("sends Cloudflare's headers with the visitor's scheme", () => {
    expect(cloudflareRequestHeaders("https")).toEqual({
      "CF-Connecting-IP": ["{http.request.remote.host}"],
      "CF-IPCountry": ["XX"],
      "CF-Ray": ["{http.vars.cf_ray}"],
      "CF-Visitor": ['{"scheme":"https"}'],
      "X-Forwarded-For": ["{http.request.remote.host}"],
      "X-Forwarded-Proto": ["https"],
    });
  });

  it("routes each site on both servers, loads the zone certificates and keeps admin on the unix socket", () => {
    const config = edgeCaddyConfig(
      [site("full", ["172.29.1.5", "2001:db8::5"]), { ...site("full", []), host: "dead.example.test" }],
      [{ zone: "example.test", certificate: "CERT", key: "KEY" }],
    );
    expect(config.admin).toEqual({ listen: "unix//run/slipway-edge/admin.sock" });
    expect(config.apps.tls.certificates.load_pem).toEqual([
      { certificate: "CERT", key: "KEY", tags: ["example.test"] },
    ]);
    const https = config.apps.http.servers.https;
    expect(https.listen).toEqual([":443"]);
    expect(https.tls_connection_policies).toEqual([{}]);
    // identify, the live site, the unknown-host fallback: the site without origins is left to the fallback
    expect(https.routes).toHaveLength(3);
    expect(https.routes[1]).toMatchObject({
      match: [{ host: ["app.example.test"] }],
      handle: [
        {
          handler: "reverse_proxy",
          upstreams: [{ dial: "172.29.1.5:443" }, { dial: "[2001:db8::5]:443" }],
          transport: { protocol: "http", tls: { insecure_skip_verify: true } },
        },
      ],
    });
    const http = config.apps.http.servers.http;
    expect(http).not.toHaveProperty("tls_connection_policies");
    expect(http.routes[1]).toMatchObject({
      handle: [{ upstreams: [{ dial: "172.29.1.5:80" }, { dial: "[2001:db8::5]:80" }] }],
    });
    expect(http.routes[1]?.handle[0]).not.toHaveProperty("transport");
    expect(http.routes.at(-1)).toEqual({
      handle: [{ handler: "static_response", status_code: 530, body: "error code: 1016" }],
    });
  });
});
