/**
 * The sandbox's Hetzner load balancers, realized as haproxy: this file turns one load balancer's spec
 * (its API state) into haproxy.cfg text, purely. One frontend and one backend per service, named
 * `service-<listen port>`; one `server` line per reachable target, named after the target's key
 * (`server-<id>`, `ip-<address>`), which is how haproxy's stats map back to the API's health_status.
 * Mapping, as Hetzner documents its load balancers:
 *  - tcp: haproxy tcp mode; http: http mode adding X-Forwarded-For and X-Forwarded-Proto, sticky
 *    sessions as an inserted cookie, timeout_idle as client and server timeouts; https without
 *    certificates (the only kind the sandbox accepts) is TLS passthrough in tcp mode, and redirect_http
 *    adds a port 80 frontend answering 301 to https.
 *  - round_robin → `balance roundrobin`, least_connections → `balance leastconn`.
 *  - health checks: every `interval` s with `timeout`, `retries` failures to go down and as many
 *    successes to come back (fall/rise); http checks send GET path with Host domain (HTTP/1.0 without
 *    one), expect a status matching status_codes (`2??` → regex `2..`) and the response text if given,
 *    over TLS without verification when tls is set. proxyprotocol sends a PROXY v1 header on traffic
 *    and checks alike.
 *  - the public interface on: services listen on every address of the container; off: on the private
 *    IPs only.
 * Targets whose address the sandbox cannot reach (see `ProxyAddressing`) get no server line; their
 * health then reads `unknown`.
 */
import type { LoadBalancerSpec } from "../hetzner/load-balancer-driver.ts";
import type { HealthCheck, ServiceRecord } from "../hetzner/load-balancer-model.ts";

/** Where the proxy sends traffic for an API address; null: not reachable from the sandbox. */
export type BackendAddress = (ip: string) => string | null;

export interface HaproxyOptions {
  readonly backendAddress: BackendAddress;
  /** Path of the stats socket inside the container. */
  readonly statsSocket: string;
}

/** haproxy's name for a target key: "server:42" → "server-42", "ip:127.0.5.9" → "ip-127.0.5.9". */
export function serverName(targetKey: string): string {
  return targetKey.replace(":", "-");
}

/** The inverse of serverName for the two key kinds. */
export function targetKeyOf(name: string): string | null {
  const match = /^(server|ip)-(.+)$/.exec(name);
  return match ? `${match[1]}:${match[2]}` : null;
}

export function backendName(listenPort: number): string {
  return `service-${listenPort}`;
}

/**
 * A haproxy config word: double-quoted, with the characters haproxy treats specially inside double
 * quotes (backslash, double quote, `$` for environment variables) escaped. Newlines cannot appear:
 * the API refuses them, and they are dropped here so a line can never be split.
 */
export function quote(word: string): string {
  return `"${word.replace(/[\r\n]/g, "").replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** Hetzner's status code patterns (`2??`, `200`, `3*`) as one anchored regex. */
export function statusRegex(patterns: readonly string[]): string {
  const parts = patterns.map((p) => p.replace(/\?/g, ".").replace(/\*/g, "[0-9]*"));
  return `^(${parts.join("|")})$`;
}

function isTls(service: ServiceRecord): boolean {
  return service.protocol === "https";
}

function mode(service: ServiceRecord): "http" | "tcp" {
  // https without certificates is passthrough: the proxy never sees HTTP.
  return service.protocol === "http" ? "http" : "tcp";
}

function binds(spec: LoadBalancerSpec, port: number): string[] {
  if (spec.publicInterface) return [`  bind :${port}`];
  return spec.networks.map((n) => `  bind ${n.ip}:${port}`);
}

function healthCheckLines(check: HealthCheck): string[] {
  if (check.protocol !== "http" || !check.http) return [];
  const http = check.http;
  const send = ["http-check send meth GET uri", quote(http.path)];
  if (http.domain !== null) send.push("ver HTTP/1.1 hdr Host", quote(http.domain));
  const lines = [
    "  option httpchk",
    `  ${send.join(" ")}`,
    `  http-check expect rstatus ${quote(statusRegex(http.status_codes))}`,
  ];
  if (http.response !== "") lines.push(`  http-check expect string ${quote(http.response)}`);
  return lines;
}

function serverOptions(service: ServiceRecord): string {
  const check = service.health_check;
  const options = [
    "check",
    `port ${check.port}`,
    `inter ${check.interval}s`,
    `fall ${check.retries}`,
    `rise ${check.retries}`,
  ];
  if (check.protocol === "http" && check.http?.tls) options.push("check-ssl verify none");
  if (service.proxyprotocol) options.push("send-proxy check-send-proxy");
  return options.join(" ");
}

function serviceBlock(spec: LoadBalancerSpec, service: ServiceRecord, options: HaproxyOptions): string[] {
  const name = backendName(service.listen_port);
  const m = mode(service);
  const idle = service.http?.timeout_idle;
  const sticky = m === "http" && service.http?.sticky_sessions === true;
  const frontend = [`frontend ${name}`, `  mode ${m}`, ...binds(spec, service.listen_port)];
  if (m === "http") {
    frontend.push("  option forwardfor", "  http-request set-header X-Forwarded-Proto http");
  }
  if (idle !== undefined && m === "http") frontend.push(`  timeout client ${idle}s`);
  frontend.push(`  default_backend ${name}`);

  const backend = [
    `backend ${name}`,
    `  mode ${m}`,
    `  balance ${spec.algorithm === "least_connections" ? "leastconn" : "roundrobin"}`,
    `  timeout check ${service.health_check.timeout}s`,
  ];
  if (idle !== undefined && m === "http") backend.push(`  timeout server ${idle}s`);
  backend.push(...healthCheckLines(service.health_check));
  if (sticky && service.http) {
    const lifetime = service.http.cookie_lifetime;
    backend.push(`  cookie ${quote(service.http.cookie_name)} insert indirect nocache maxlife ${lifetime}s`);
  }
  for (const target of spec.targets) {
    const address = target.address === null ? null : options.backendAddress(target.address);
    if (address === null) continue;
    const server = serverName(target.key);
    const cookie = sticky ? ` cookie ${server}` : "";
    backend.push(
      `  server ${server} ${address}:${service.destination_port} ${serverOptions(service)}${cookie}`,
    );
  }
  const blocks = [...frontend, "", ...backend];
  if (isTls(service) && service.http?.redirect_http) {
    blocks.push(
      "",
      "frontend redirect-http",
      "  mode http",
      ...binds(spec, 80),
      "  http-request redirect scheme https code 301",
    );
  }
  return blocks;
}

export function haproxyConfig(spec: LoadBalancerSpec, options: HaproxyOptions): string {
  const lines = [
    `# Load balancer ${spec.id}, generated by the slipway sandbox from its API state. Edits are overwritten.`,
    "global",
    `  stats socket ${options.statsSocket} mode 600 level user`,
    "",
    "defaults",
    "  timeout connect 5s",
    "  timeout client 50s",
    "  timeout server 50s",
  ];
  for (const service of [...spec.services].sort((a, b) => a.listen_port - b.listen_port)) {
    lines.push("", ...serviceBlock(spec, service, options));
  }
  return `${lines.join("\n")}\n`;
}
