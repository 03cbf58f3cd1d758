/**
 * Caddy's JSON config, as data. The proxy runs with the host's network and its admin API on
 * localhost:2019 (reachable only through SSH); every service owns one route, tagged with an `@id`, so a
 * release switches its upstream with one atomic PATCH and never touches other services' routes.
 */

export const CADDY_SERVER = "slipway";
export const ADMIN = "http://localhost:2019";

export interface AcmeSettings {
  /** ACME directory URL; unset = Caddy's defaults (Let's Encrypt, then ZeroSSL). */
  ca?: string;
  /** Path on the host of a PEM to trust for the ACME server's own TLS. */
  caRootFile?: string;
  email?: string;
}

export function routeId(stack: string, service: string): string {
  return `slipway-${stack}-${service}`;
}

export function tlsApp(acme: AcmeSettings): Record<string, unknown> | null {
  if (!acme.ca && !acme.email) return null;
  const issuer: Record<string, unknown> = { module: "acme" };
  if (acme.ca) issuer.ca = acme.ca;
  if (acme.caRootFile) issuer.trusted_roots_pem_files = [acme.caRootFile];
  if (acme.email) issuer.email = acme.email;
  return { automation: { policies: [{ issuers: [issuer] }] } };
}

/** The whole config the proxy starts with: HTTPS on :443 (Caddy adds the :80 redirect), no routes yet. */
export function baseConfig(acme: AcmeSettings): Record<string, unknown> {
  const tls = tlsApp(acme);
  return {
    admin: { listen: "localhost:2019" },
    apps: {
      http: { servers: { [CADDY_SERVER]: { listen: [":443"], routes: [] } } },
      ...(tls ? { tls } : {}),
    },
  };
}

export interface RouteOptions {
  /** Serve only this path and below ("/api" matches "/api" and "/api/…"). */
  pathPrefix?: string;
  securityHeaders: boolean;
}

export const SECURITY_HEADERS = {
  "Strict-Transport-Security": ["max-age=31536000; includeSubDomains"],
  "X-Content-Type-Options": ["nosniff"],
  "Referrer-Policy": ["strict-origin-when-cross-origin"],
  "Content-Security-Policy": ["frame-ancestors 'self'"],
};

export function serviceRoute(
  id: string,
  domains: readonly string[],
  upstream: string,
  options: RouteOptions,
): Record<string, unknown> {
  const match: Record<string, unknown> = { host: [...domains] };
  if (options.pathPrefix) match.path = [options.pathPrefix, `${options.pathPrefix}/*`];
  const headers = options.securityHeaders
    ? [{ handler: "headers", response: { set: SECURITY_HEADERS } }]
    : [];
  return {
    "@id": id,
    match: [match],
    handle: [...headers, { handler: "reverse_proxy", upstreams: [{ dial: upstream }] }],
    terminal: true,
  };
}

export const ROUTES_PATH = `/config/apps/http/servers/${CADDY_SERVER}/routes`;

/** The upstream a route sends to, or null when the route is not there. */
export function routeUpstream(route: unknown): string | null {
  const handle = (route as { handle?: { handler?: string; upstreams?: { dial?: string }[] }[] } | null)
    ?.handle;
  return handle?.find((h) => h.handler === "reverse_proxy")?.upstreams?.[0]?.dial ?? null;
}
