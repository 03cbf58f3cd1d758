import { describe, expect, it } from "vitest";
import type { LoadBalancerSpec } from "../../../src/sandbox/hetzner/load-balancer-driver.ts";
import type { ServiceRecord } from "../../../src/sandbox/hetzner/load-balancer-model.ts";
import { lbRunArgs, sandboxBackendAddress } from "../../../src/sandbox/lb/docker-load-balancer-driver.ts";
import {
  haproxyConfig,
  quote,
  serverName,
  statusRegex,
  targetKeyOf,
} from "../../../src/sandbox/lb/haproxy-config.ts";
import { parseStats } from "../../../src/sandbox/lb/haproxy-stats.ts";

const http: ServiceRecord = {
  protocol: "http",
  listen_port: 80,
  destination_port: 8080,
  proxyprotocol: false,
  health_check: {
    protocol: "http",
    port: 8080,
    interval: 5,
    timeout: 3,
    retries: 2,
    http: { domain: null, path: "/health", response: "", status_codes: ["2??", "3??"], tls: false },
  },
  http: { cookie_name: "HCLBSTICKY", cookie_lifetime: 300, timeout_idle: 50, sticky_sessions: false },
};

const tcp: ServiceRecord = {
  protocol: "tcp",
  listen_port: 5432,
  destination_port: 5432,
  proxyprotocol: true,
  health_check: { protocol: "tcp", port: 5432, interval: 10, timeout: 5, retries: 3 },
};

function spec(overrides: Partial<LoadBalancerSpec> = {}): LoadBalancerSpec {
  return {
    id: 8000001,
    publicIpv4: "127.0.3.2",
    publicInterface: true,
    networks: [],
    algorithm: "round_robin",
    services: [http],
    targets: [
      { key: "server:1000001", address: "127.0.1.2" },
      { key: "server:1000002", address: "127.0.1.3" },
    ],
    ...overrides,
  };
}

const options = (s: LoadBalancerSpec) => ({
  backendAddress: sandboxBackendAddress(s),
  statsSocket: "/etc/haproxy/slipway/stats.sock",
});
const config = (s: LoadBalancerSpec) => haproxyConfig(s, options(s));

/** The lines of one section ("frontend service-80"), without its header. */
function section(text: string, header: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section ${header} in\n${text}`);
  const end = lines.findIndex((l, i) => i > start && l === "");
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe("haproxyConfig", () => {
  it("renders an http service: forwarded headers, idle timeouts, http check, one server per target", () => {
    const text = config(spec());
    expect(text.split("\n").slice(1, 8)).toEqual([
      "global",
      "  stats socket /etc/haproxy/slipway/stats.sock mode 600 level user",
      "",
      "defaults",
      "  timeout connect 5s",
      "  timeout client 50s",
      "  timeout server 50s",
    ]);
    expect(section(text, "frontend service-80")).toEqual([
      "  mode http",
      "  bind :80",
      "  option forwardfor",
      "  http-request set-header X-Forwarded-Proto http",
      "  timeout client 50s",
      "  default_backend service-80",
    ]);
    expect(section(text, "backend service-80")).toEqual([
      "  mode http",
      "  balance roundrobin",
      "  timeout check 3s",
      "  timeout server 50s",
      "  option httpchk",
      '  http-check send meth GET uri "/health"',
      '  http-check expect rstatus "^(2..|3..)\\$"',
      "  server server-1000001 172.29.1.2:8080 check port 8080 inter 5s fall 2 rise 2",
      "  server server-1000002 172.29.1.3:8080 check port 8080 inter 5s fall 2 rise 2",
    ]);
  });

  it("renders a tcp service with least connections and PROXY protocol on traffic and checks", () => {
    const text = config(
      spec({
        services: [tcp],
        algorithm: "least_connections",
        targets: [{ key: "ip:127.0.2.9", address: "127.0.2.9" }],
      }),
    );
    expect(section(text, "frontend service-5432")).toEqual([
      "  mode tcp",
      "  bind :5432",
      "  default_backend service-5432",
    ]);
    expect(section(text, "backend service-5432")).toEqual([
      "  mode tcp",
      "  balance leastconn",
      "  timeout check 5s",
      "  server ip-127.0.2.9 172.29.2.9:5432 check port 5432 inter 10s fall 3 rise 3 send-proxy check-send-proxy",
    ]);
  });

  it("adds sticky cookies, Host header, expected body and TLS checks", () => {
    const service: ServiceRecord = {
      ...http,
      health_check: {
        ...http.health_check,
        http: { domain: "app.test", path: "/up", response: 'say "ok"', status_codes: ["200"], tls: true },
      },
      http: { ...http.http!, sticky_sessions: true, cookie_lifetime: 60, timeout_idle: 20 },
    };
    const backend = section(config(spec({ services: [service] })), "backend service-80");
    expect(backend).toContain('  http-check send meth GET uri "/up" ver HTTP/1.1 hdr Host "app.test"');
    expect(backend).toContain('  http-check expect rstatus "^(200)\\$"');
    expect(backend).toContain('  http-check expect string "say \\"ok\\""');
    expect(backend).toContain('  cookie "HCLBSTICKY" insert indirect nocache maxlife 60s');
    expect(backend).toContain("  timeout server 20s");
    expect(backend).toContain(
      "  server server-1000001 172.29.1.2:8080 check port 8080 inter 5s fall 2 rise 2 check-ssl verify none cookie server-1000001",
    );
  });

  it("passes https through and redirects port 80 to it", () => {
    const https: ServiceRecord = {
      ...tcp,
      protocol: "https",
      listen_port: 443,
      destination_port: 443,
      proxyprotocol: false,
      http: { ...http.http!, certificates: [], redirect_http: true },
    };
    const text = config(spec({ services: [https] }));
    expect(section(text, "frontend service-443")[0]).toBe("  mode tcp");
    expect(section(text, "frontend redirect-http")).toEqual([
      "  mode http",
      "  bind :80",
      "  http-request redirect scheme https code 301",
    ]);
  });

  it("listens on the private IPs only when the public interface is off", () => {
    const text = config(
      spec({
        publicInterface: false,
        networks: [{ network: 4000001, ip: "10.0.1.5", ipRange: "10.0.0.0/16" }],
        targets: [{ key: "server:1000001", address: "10.0.1.2" }],
      }),
    );
    expect(section(text, "frontend service-80")[1]).toBe("  bind 10.0.1.5:80");
    expect(section(text, "backend service-80").at(-1)).toMatch(
      /^ {2}server server-1000001 10\.0\.1\.2:8080 /,
    );
  });

  it("leaves out targets the sandbox cannot reach and orders services by port", () => {
    const text = config(
      spec({
        services: [tcp, http],
        targets: [
          { key: "ip:203.0.113.7", address: "203.0.113.7" },
          { key: "ip:10.9.0.1", address: "10.9.0.1" },
          { key: "server:1000003", address: null },
        ],
      }),
    );
    expect(text).not.toMatch(/^ {2}server /m);
    expect(text.indexOf("frontend service-80")).toBeLessThan(text.indexOf("frontend service-5432"));
  });

  it("is a pure function of the spec", () => {
    expect(config(spec())).toBe(config(spec()));
    expect(config(spec({ algorithm: "least_connections" }))).not.toBe(config(spec()));
  });
});

describe("haproxy words and names", () => {
  it.each([
    ["/health", '"/health"'],
    ['a "b"', '"a \\"b\\""'],
    ["$HOME\\x", '"\\$HOME\\\\x"'],
    ["line\nbreak", '"linebreak"'],
    ["#not-a-comment", '"#not-a-comment"'],
  ])("quotes %j as %s", (word, quoted) => {
    expect(quote(word)).toBe(quoted);
  });

  it.each([
    [["2??", "3??"], "^(2..|3..)$"],
    [["200", "204"], "^(200|204)$"],
    [["5*"], "^(5[0-9]*)$"],
  ])("turns %j into %s", (patterns, regex) => {
    expect(statusRegex(patterns)).toBe(regex);
  });

  it.each(["server:1000001", "ip:127.0.5.9", "ip:2001:db8::1"])(
    "maps %s to a server name and back",
    (key) => {
      expect(targetKeyOf(serverName(key))).toBe(key);
    },
  );
});

describe("parseStats", () => {
  const header =
    "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code";
  const row = (px: string, sv: string, status: string, check: string) =>
    `${px},${sv},0,0,0,0,,0,0,0,,0,,0,0,0,0,${status},1,1,0,0,0,1,0,,1,2,1,,0,,2,0,,0,${check},200`;

  it("reads each server's state per service", () => {
    const csv = [
      header,
      row("service-80", "FRONTEND", "OPEN", ""),
      row("service-80", "server-1000001", "UP", "L7OK"),
      row("service-80", "server-1000002", "UP 1/2", "L4TOUT"),
      row("service-80", "ip-127.0.5.9", "DOWN", "L4CON"),
      row("service-80", "BACKEND", "UP", ""),
      row("service-443", "server-1000001", "UP", "INI"),
      row("service-443", "server-1000002", "DOWN 1/2", "L7STS"),
      row("service-443", "server-1000003", "MAINT", "L4OK"),
      "",
    ].join("\n");
    expect(parseStats(csv)).toEqual([
      { listenPort: 80, target: "server:1000001", status: "healthy" },
      { listenPort: 80, target: "server:1000002", status: "healthy" },
      { listenPort: 80, target: "ip:127.0.5.9", status: "unhealthy" },
      { listenPort: 443, target: "server:1000001", status: "unknown" },
      { listenPort: 443, target: "server:1000002", status: "unhealthy" },
      { listenPort: 443, target: "server:1000003", status: "unknown" },
    ]);
  });

  it("answers nothing for output that is not stats", () => {
    expect(parseStats("Unknown command\n")).toEqual([]);
  });
});

describe("lbRunArgs", () => {
  it("puts the proxy at the container address of its public IPv4, labelled, with its config directory", () => {
    expect(lbRunArgs(8000001, "127.0.3.2", "/srv/lb/8000001", "slipway/haproxy:2")).toEqual([
      "run",
      "--detach",
      "--name",
      "slipway-lb-8000001",
      "--hostname",
      "slipway-lb-8000001",
      "--network",
      "slipway-sandbox",
      "--ip",
      "172.29.3.2",
      "--restart",
      "unless-stopped",
      "--label",
      "dev.slipway.sandbox=1",
      "--label",
      "dev.slipway.sandbox.load-balancer-id=8000001",
      "--sysctl",
      "net.ipv4.ip_nonlocal_bind=1",
      "--volume",
      "/srv/lb/8000001:/etc/haproxy/slipway",
      "slipway/haproxy:2",
    ]);
  });
});
