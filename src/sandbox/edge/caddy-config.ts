/**
 * The sandbox edge's Caddy configuration (admin-API JSON), built from the proxied sites (pure).
 * Like Cloudflare's edge it terminates HTTPS with a certificate for the zone and `*.zone` (issued by the
 * sandbox CA), serves HTTP too, and forwards to the origin with Cloudflare's request headers
 * (CF-Connecting-IP, CF-Ray, CF-IPCountry, CF-Visitor, X-Forwarded-For/-Proto). How it reaches the
 * origin follows the zone's SSL mode: flexible/off → HTTP :80; full → the visitor's scheme, HTTPS
 * unverified; strict → HTTPS verified against the sandbox trust bundle. An unreachable origin answers
 * 521 and an unknown host 530 "error code: 1016", Cloudflare's codes for those.
 */
import type { EdgeSite } from "./sites.ts";

export const EDGE_MOUNT = "/run/slipway-edge";
export const ADMIN_SOCKET = `${EDGE_MOUNT}/admin.sock`;
export const TRUST_FILE = `${EDGE_MOUNT}/trust.pem`;

export interface ZoneCertificate {
  readonly zone: string;
  readonly certificate: string;
  readonly key: string;
}

type Scheme = "http" | "https";

/** How the edge reaches the origin for a visitor that came in over `scheme`. */
export function originTransport(
  site: EdgeSite,
  scheme: Scheme,
): { port: number; tls: Record<string, unknown> | null } {
  if (site.ssl === "off" || site.ssl === "flexible" || scheme === "http") return { port: 80, tls: null };
  const serverName = "{http.request.host}";
  if (site.ssl === "strict")
    return { port: 443, tls: { server_name: serverName, root_ca_pem_files: [TRUST_FILE] } };
  return { port: 443, tls: { server_name: serverName, insecure_skip_verify: true } };
}

/** The headers Cloudflare adds on the way to the origin. */
export function cloudflareRequestHeaders(scheme: Scheme): Record<string, string[]> {
  return {
    "CF-Connecting-IP": ["{http.request.remote.host}"],
    "CF-IPCountry": ["XX"],
    "CF-Ray": ["{http.vars.cf_ray}"],
    "CF-Visitor": [JSON.stringify({ scheme })],
    "X-Forwarded-For": ["{http.request.remote.host}"],
    "X-Forwarded-Proto": [scheme],
  };
}

function siteRoute(site: EdgeSite, scheme: Scheme) {
  const { port, tls } = originTransport(site, scheme);
  const dial = (address: string) => (address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`);
  return {
    match: [{ host: [site.host] }],
    handle: [
      {
        handler: "reverse_proxy",
        upstreams: site.origins.map((address) => ({ dial: dial(address) })),
        ...(tls ? { transport: { protocol: "http", tls } } : {}),
        headers: { request: { set: cloudflareRequestHeaders(scheme) } },
      },
    ],
    terminal: true,
  };
}

const identifyResponse = {
  handler: "headers",
  response: { set: { Server: ["cloudflare"], "CF-Ray": ["{http.vars.cf_ray}"] }, deferred: true },
};

/** Every answer carries `Server: cloudflare` and a CF-Ray (the request's UUID and the sandbox's "colo"). */
const identify = {
  handle: [{ handler: "vars", cf_ray: "{http.request.uuid}-SBX" }, identifyResponse],
};

const unknownHost = {
  handle: [{ handler: "static_response", status_code: 530, body: "error code: 1016" }],
};

const originDown = {
  errors: {
    routes: [
      {
        handle: [identifyResponse, { handler: "static_response", status_code: 521, body: "error code: 521" }],
      },
    ],
  },
};

function server(listen: string, scheme: Scheme, sites: readonly EdgeSite[]) {
  return {
    listen: [listen],
    automatic_https: { disable: true },
    ...(scheme === "https" ? { tls_connection_policies: [{}] } : {}),
    routes: [
      identify,
      ...sites.filter((s) => s.origins.length > 0).map((s) => siteRoute(s, scheme)),
      unknownHost,
    ],
    ...originDown,
  };
}

export function edgeCaddyConfig(sites: readonly EdgeSite[], certificates: readonly ZoneCertificate[]) {
  return {
    admin: { listen: `unix/${ADMIN_SOCKET}` },
    apps: {
      http: { servers: { https: server(":443", "https", sites), http: server(":80", "http", sites) } },
      tls: {
        certificates: {
          load_pem: certificates.map((c) => ({ certificate: c.certificate, key: c.key, tags: [c.zone] })),
        },
      },
    },
  };
}
