/**
 * Hetzner load balancers. The default forwards TCP 80 and 443 untouched to the targets, where Caddy
 * terminates TLS and routes by host name, so one certificate setup serves with or without a balancer;
 * `http`/`https` services (TLS at the balancer, Hetzner-managed certificates) are there for those who want them.
 */
import { z } from "zod";
import { Duration } from "./duration.ts";
import { Ipv4 } from "./net.ts";
import {
  Hostname,
  integer,
  Labels,
  Location,
  nameList,
  oneOf,
  Port,
  resourceName,
  text,
} from "./primitives.ts";

const bool = z.boolean({ error: "expected true or false" });

export const LoadBalancerHealthcheck = z.strictObject({
  /** "tcp" (connect only), "http" or "https" (a request to `path`). Default "tcp". */
  protocol: oneOf(["tcp", "http", "https"]).default("tcp"),
  /** Port on the targets. Default: the service's `destination`. @example 443 */
  port: Port.optional(),
  /** Time between checks. Default "15s". */
  interval: Duration.default(15_000),
  /** Time a check may take. Default "10s". */
  timeout: Duration.default(10_000),
  /** Failed checks before a target is taken out. Default 3. */
  retries: integer(0, 5, 3).default(3),
  /** Request path for http(s) checks. Default "/". @example "/up" */
  path: text(/^\//, 'expected a string starting with "/" such as "/up"').default("/"),
  /** Host header for http(s) checks. @example "app.example.com" */
  domain: Hostname.optional(),
  /** Status codes counted healthy, with "?" wildcards. Default ["2??", "3??"]. */
  statusCodes: z
    .array(text(/^[1-5][0-9?]{2}$/, 'expected a status code pattern such as "200" or "2??"'))
    .min(1)
    .default(["2??", "3??"]),
});
export type LoadBalancerHealthcheck = z.infer<typeof LoadBalancerHealthcheck>;

export const LoadBalancerHttp = z.strictObject({
  /** Pin a client to one target with a cookie. Default false. */
  stickySessions: bool.default(false),
  /** Cookie used for sticky sessions. Default "HCLBSTICKY". */
  cookieName: text(/^[A-Za-z0-9_-]+$/, 'expected a cookie name such as "HCLBSTICKY"').default("HCLBSTICKY"),
  /** Lifetime of the sticky cookie. Default "5m". */
  cookieLifetime: Duration.default(300_000),
  /** For https services: also answer port 80 with a redirect to https. Default false. */
  redirectHttp: bool.default(false),
  /** For https services: domains of the Hetzner-managed certificate. @example ["app.example.com"] */
  certificates: z.array(Hostname).default([]),
});

export const LoadBalancerService = z
  .strictObject({
    /** "tcp" passes bytes through (TLS stays at Caddy); "http"/"https" terminate at the balancer. Default "tcp". */
    protocol: oneOf(["tcp", "http", "https"]).default("tcp"),
    /** Public port on the balancer. @example 443 */
    listen: Port,
    /** Port on the targets. Default: `listen`. @example 443 */
    destination: Port.optional(),
    /** Prepend the PROXY protocol header so targets see client addresses. Default false. */
    proxyProtocol: bool.default(false),
    /** How targets are checked. Default: a TCP connect to `destination` every 15 s. */
    healthcheck: LoadBalancerHealthcheck.prefault({}),
    /** Options for http/https services only. */
    http: LoadBalancerHttp.optional(),
  })
  .superRefine((service, ctx) => {
    if (service.protocol === "tcp" && service.http) {
      ctx.addIssue({
        code: "custom",
        path: ["http"],
        message: 'only for "http" or "https" services; remove it',
      });
    }
    if (service.protocol === "https" && !service.http?.certificates.length) {
      ctx.addIssue({
        code: "custom",
        path: ["http", "certificates"],
        message: 'https services need certificate domains such as ["app.example.com"]',
      });
    }
  })
  .transform((service) => {
    const destination = service.destination ?? service.listen;
    return {
      ...service,
      destination,
      healthcheck: { ...service.healthcheck, port: service.healthcheck.port ?? destination },
    };
  });
export type LoadBalancerService = z.infer<typeof LoadBalancerService>;

export const LoadBalancer = z
  .strictObject({
    /** Hetzner load balancer type. Default "lb11". */
    type: oneOf(["lb11", "lb21", "lb31"]).default("lb11"),
    /** Default: the stack's `location`. @example "nbg1" */
    location: Location.optional(),
    /** How requests are spread over targets. Default "round_robin". */
    algorithm: oneOf(["round_robin", "least_connections"]).default("round_robin"),
    /** Server groups whose servers receive traffic. @example ["web"] */
    targets: nameList("server group", "web"),
    /** Listening ports. Default: TCP 80→80 and 443→443. @example [{ listen: 443 }] */
    services: z
      .array(LoadBalancerService, { error: "expected a list of services such as [{ listen: 443 }]" })
      .min(1, { error: "expected at least one service such as { listen: 443 }" })
      .prefault([{ listen: 80 }, { listen: 443 }]),
    /** Private network to reach targets through (their private addresses). @example "main" */
    network: resourceName("network", "main").optional(),
    /** Fixed private address in `network`. @example "10.0.1.10" */
    ip: Ipv4.optional(),
    /** Serve on a public address. Default true; false makes an internal balancer (needs `network`). */
    public: bool.default(true),
    /** Delete protection in Hetzner. Default false. */
    protect: bool.default(false),
    /** Extra Hetzner labels. Default {}. */
    labels: Labels,
  })
  .superRefine((lb, ctx) => {
    const seen = new Set<number>();
    for (const [i, service] of lb.services.entries()) {
      if (seen.has(service.listen)) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "listen"],
          message: `port ${service.listen} is already used by another service`,
        });
      }
      seen.add(service.listen);
    }
    if (lb.ip && !lb.network)
      ctx.addIssue({ code: "custom", path: ["ip"], message: 'needs a network, e.g. network: "main"' });
    if (!lb.public && !lb.network) {
      ctx.addIssue({
        code: "custom",
        path: ["public"],
        message: 'an internal balancer needs a network, e.g. network: "main"',
      });
    }
  });
export type LoadBalancer = z.infer<typeof LoadBalancer>;
