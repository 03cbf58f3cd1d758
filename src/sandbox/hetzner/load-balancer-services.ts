/**
 * Load balancer services: a request's service (already checked against the spec's schema) becomes a
 * ServiceRecord with Hetzner's defaults filled in (HTTP cookie HCLBSTICKY for 300 s, idle timeout 50 s,
 * health check path "/" expecting 2xx/3xx), and update_service merges its partial body field by field
 * into the existing service. The spec's create schema marks the HTTP options as required while
 * add_service leaves them optional and Hetzner's clients omit them; both take the defaults here.
 * Rules the schema cannot state: ports 1-65535, each listen port used once (an https service that
 * redirects HTTP also takes port 80), HTTP options only on http/https, and TLS certificates must exist,
 * which in the sandbox, without a certificates API, none does.
 */
import { ApiError, invalidField } from "./errors.ts";
import type { HealthCheck, HealthCheckHttp, ServiceHttp, ServiceRecord } from "./load-balancer-model.ts";

type Json = Record<string, unknown>;

const PROTOCOLS = ["tcp", "http", "https"] as const;
const DEFAULT_STATUS_CODES = ["2??", "3??"];

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function port(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535)
    throw invalidField(field, "must be a port number from 1 to 65535");
  return value as number;
}

function healthCheckHttp(raw: Json, have: HealthCheckHttp | undefined, field: string): HealthCheckHttp {
  const merged = { ...have, ...raw };
  const path = (merged.path as string | undefined) ?? "/";
  if (!path.startsWith("/") || /\s/.test(path))
    throw invalidField(`${field}.path`, 'must start with "/" and contain no spaces (percent-encode them)');
  const domain = (merged.domain as string | null | undefined) ?? null;
  if (domain !== null && /[\s%\\]/.test(domain))
    throw invalidField(`${field}.domain`, "may not contain spaces, percent or backslash symbols");
  const statusCodes = (merged.status_codes as string[] | undefined) ?? DEFAULT_STATUS_CODES;
  for (const code of statusCodes) {
    if (!/^[0-9?*]{1,3}$/.test(code))
      throw invalidField(
        `${field}.status_codes`,
        `"${code}" is not a status code pattern such as "200" or "2??"`,
      );
  }
  return {
    domain,
    path,
    response: (merged.response as string | undefined) ?? "",
    status_codes: [...statusCodes],
    tls: (merged.tls as boolean | undefined) ?? false,
  };
}

function healthCheck(raw: Json, have: HealthCheck | undefined, field: string): HealthCheck {
  const merged = { ...have, ...raw };
  const protocol = merged.protocol as HealthCheck["protocol"] | undefined;
  if (protocol === undefined) throw invalidField(`${field}.protocol`, "Missing data for required field.");
  const check: HealthCheck = {
    protocol,
    port: port(merged.port, `${field}.port`),
    interval: merged.interval as number,
    timeout: merged.timeout as number,
    retries: merged.retries as number,
  };
  for (const key of ["interval", "timeout", "retries"] as const) {
    if (!Number.isInteger(check[key]))
      throw invalidField(`${field}.${key}`, "Missing data for required field.");
  }
  if (protocol === "http") check.http = healthCheckHttp(object(raw.http), have?.http, `${field}.http`);
  return check;
}

function serviceHttp(
  protocol: "http" | "https",
  raw: Json,
  have: ServiceHttp | undefined,
  field: string,
): ServiceHttp {
  const merged = { ...have, ...raw };
  const timeoutIdle = (merged.timeout_idle as number | undefined) ?? 50;
  if (timeoutIdle < 1) throw invalidField(`${field}.timeout_idle`, "must be at least 1 second");
  const http: ServiceHttp = {
    cookie_name: (merged.cookie_name as string | undefined) ?? "HCLBSTICKY",
    cookie_lifetime: (merged.cookie_lifetime as number | undefined) ?? 300,
    timeout_idle: timeoutIdle,
    sticky_sessions: (merged.sticky_sessions as boolean | undefined) ?? false,
  };
  if (protocol === "https") {
    const certificates = (merged.certificates as number[] | undefined) ?? [];
    const first = certificates[0];
    if (first !== undefined) throw invalidField(`${field}.certificates`, `certificate ${first} not found`);
    http.certificates = certificates;
    http.redirect_http = (merged.redirect_http as boolean | undefined) ?? false;
  } else if ((raw.certificates as number[] | undefined)?.length || raw.redirect_http === true) {
    // Clients send the https options empty or false with every service; only a real use is an error.
    throw invalidField(field, "certificates and redirect_http are only for protocol https");
  }
  return http;
}

/**
 * The service a request describes, merged over `have` for update_service. `field` prefixes field
 * names in errors ("services[0]" in a create, "" in the actions).
 */
export function normaliseService(raw: Json, have?: ServiceRecord, field = ""): ServiceRecord {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const protocol = (raw.protocol as ServiceRecord["protocol"] | undefined) ?? have?.protocol;
  if (!protocol || !PROTOCOLS.includes(protocol))
    throw invalidField(at("protocol"), `Must be one of: ${PROTOCOLS.join(", ")}.`);
  const rawHealth = raw.health_check === undefined ? undefined : object(raw.health_check);
  if (!rawHealth && !have) throw invalidField(at("health_check"), "Missing data for required field.");
  const service: ServiceRecord = {
    protocol,
    listen_port: port(raw.listen_port ?? have?.listen_port, at("listen_port")),
    destination_port: port(raw.destination_port ?? have?.destination_port, at("destination_port")),
    proxyprotocol: (raw.proxyprotocol as boolean | undefined) ?? have?.proxyprotocol ?? false,
    health_check: healthCheck(rawHealth ?? {}, have?.health_check, at("health_check")),
  };
  if (protocol === "tcp") {
    if (raw.http !== undefined && raw.http !== null)
      throw invalidField(at("http"), "HTTP options are only for protocols http and https");
  } else {
    service.http = serviceHttp(protocol, object(raw.http), have?.http, at("http"));
  }
  return service;
}

/** The ports a service listens on: its own, and 80 for an https service that redirects HTTP. */
export function listenPorts(service: ServiceRecord): number[] {
  return service.http?.redirect_http ? [service.listen_port, 80] : [service.listen_port];
}

/** Throws source_port_already_used when two services would listen on one port. */
export function assertPortsFree(services: readonly ServiceRecord[]): void {
  const seen = new Set<number>();
  for (const service of services) {
    for (const p of listenPorts(service)) {
      if (seen.has(p))
        throw new ApiError("source_port_already_used", `listen port ${p} is already used by another service`);
      seen.add(p);
    }
  }
}

/**
 * The defaults Hetzner applies to a requested service before it checks the spec's required fields:
 * clients (the hcloud CLI among them) leave out the health check, proxyprotocol and the HTTP options.
 * A health check defaults to the service's destination port every 15 s with a 10 s timeout and 3
 * retries, over HTTP (GET /, 2xx or 3xx) for http services and TCP otherwise.
 */
export function withServiceDefaults(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const service: Json = { proxyprotocol: false, ...(raw as Json) };
  const web = service.protocol === "http" || service.protocol === "https";
  if (service.health_check === undefined && Number.isInteger(service.destination_port)) {
    service.health_check = {
      protocol: service.protocol === "http" ? "http" : "tcp",
      port: service.destination_port,
      interval: 15,
      timeout: 10,
      retries: 3,
      ...(service.protocol === "http" ? { http: { domain: null, path: "/" } } : {}),
    };
  }
  const check = service.health_check as Json | undefined;
  if (check?.http && typeof check.http === "object")
    service.health_check = { ...check, http: { domain: null, path: "/", ...(check.http as Json) } };
  if (web) {
    const defaults: Json = {
      cookie_name: "HCLBSTICKY",
      cookie_lifetime: 300,
      timeout_idle: 50,
      sticky_sessions: false,
    };
    if (service.protocol === "https") Object.assign(defaults, { certificates: [], redirect_http: false });
    service.http = { ...defaults, ...(service.http as Json | undefined) };
  }
  return service;
}
