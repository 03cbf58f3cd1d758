/**
 * Caddy's JSON config, as data. The proxy runs with the host's network and its admin API on
 * localhost:2019 (reachable only through SSH); every service owns one route, tagged with an `@id`.
 * A route sends to the service's two fixed slot ports and never changes during a deploy: any change
 * through the admin API reloads Caddy's config, which closes idle client keep-alive connections (a
 * client that sends on one at that moment sees ECONNRESET). Which slot takes traffic is decided by
 * Caddy's active health checks and by the host's firewall (see slots.ts), not by config.
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
  /** Caddy's own health check of each slot: HTTP GET of `path`; unset when the service checks by command. */
  health?: { path: string; intervalMs: number; timeoutMs: number };
}

/**
 * Load balancing over the slots: a request that cannot connect (a closed or empty slot refuses at once)
 * is retried on the other slot for up to 10 s, so a switch delays a request by milliseconds instead of
 * failing it. Without an HTTP check, a refused slot is set aside for 2 s by passive health instead.
 */
export function slotBalancing(health: RouteOptions["health"]): Record<string, unknown> {
  const checks = health
    ? {
        active: {
          uri: health.path,
          interval: `${health.intervalMs}ms`,
          timeout: `${health.timeoutMs}ms`,
          expect_status: 2,
        },
      }
    : { passive: { fail_duration: "2s", max_fails: 1 } };
  return {
    load_balancing: {
      selection_policy: { policy: "round_robin" },
      try_duration: "10s",
      try_interval: "50ms",
    },
    health_checks: checks,
  };
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
  upstreams: readonly string[],
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
    handle: [
      ...headers,
      {
        handler: "reverse_proxy",
        upstreams: upstreams.map((dial) => ({ dial })),
        ...slotBalancing(options.health),
      },
    ],
    terminal: true,
  };
}

export const ROUTES_PATH = `/config/apps/http/servers/${CADDY_SERVER}/routes`;

/** The upstreams a route sends to ([] when the route is not there). */
export function routeUpstreams(route: unknown): string[] {
  const handle = (route as { handle?: { handler?: string; upstreams?: { dial?: string }[] }[] } | null)
    ?.handle;
  const upstreams = handle?.find((h) => h.handler === "reverse_proxy")?.upstreams ?? [];
  return upstreams.flatMap((u) => (u.dial ? [u.dial] : []));
}
