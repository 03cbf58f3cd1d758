/**
 * The sandbox's Cloudflare, end to end: a zone and a proxied record made with the official SDK resolve
 * through the sandbox DNS (to the edge, not the origin), and a request through the edge reaches a real
 * server (a VM whose user_data starts a small header-echo server and firewalls port 80 to the ranges
 * `GET /ips` publishes) with Cloudflare's headers and a source address inside those ranges, while a
 * direct request to the origin is refused: the lock-down users configure, tested for real.
 */
import { Resolver } from "node:dns/promises";
import Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { vmContainerName } from "../../src/sandbox/vm/docker-machine-driver.ts";
import { cidrContains } from "../../src/util/cidr.ts";
import { exec } from "../../src/util/exec.ts";
import { waitFor } from "../../src/util/wait.ts";
import { expectCli } from "./support/cli.ts";

const env = inject("sandboxEnv");
const ZONE = "edge-e2e.test";
const HOST = `app.${ZONE}`;

const ECHO_SERVER = `import http.server, json
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"peer": self.client_address[0], "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)
http.server.ThreadingHTTPServer(("0.0.0.0", 80), Echo).serve_forever()
`;

function userData(edgeRanges: readonly string[]): string {
  const allow = edgeRanges.map((cidr) => `  - iptables -A INPUT -p tcp --dport 80 -s ${cidr} -j ACCEPT`);
  return [
    "#cloud-config",
    "write_files:",
    "  - path: /srv/echo.py",
    "    content: |",
    ...ECHO_SERVER.split("\n").map((line) => `      ${line}`),
    "runcmd:",
    ...allow,
    "  - iptables -A INPUT -p tcp --dport 80 -j REJECT --reject-with tcp-reset",
    "  - nohup python3 /srv/echo.py >/var/log/echo.log 2>&1 &",
    "",
  ].join("\n");
}

function sandboxResolver(): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers(["127.0.2.3"]);
  return resolver;
}

async function hetzner(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${env.HCLOUD_ENDPOINT}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.HCLOUD_TOKEN}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return {};
  return (await res.json()) as Record<string, unknown>;
}

/** A GET through curl, resolved to `address` (so SNI and Host are the record's name), with headers. */
async function get(url: string, address: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port, protocol } = new URL(url);
  const resolvedPort = port || (protocol === "https:" ? "443" : "80");
  const result = await exec([
    "curl",
    "-sS",
    "--max-time",
    "5",
    "--cacert",
    env.SLIPWAY_SANDBOX_CA!,
    "-D",
    "-",
    "--resolve",
    `${hostname}:${resolvedPort}:${address}`,
    url,
  ]);
  if (result.code !== 0) throw new Error(`curl ${url} via ${address}: ${result.stderr.trim()}`);
  const [head = "", body = ""] = result.stdout.split(/\r\n\r\n/, 2);
  return { status: Number(head.split(" ")[1]), headers: head.toLowerCase(), body };
}

describe("the sandbox's Cloudflare edge", () => {
  const cf = new Cloudflare({
    apiToken: env.CLOUDFLARE_API_TOKEN,
    baseURL: env.CLOUDFLARE_BASE_URL,
    maxRetries: 0,
  });
  let zoneId = "";
  let serverId = 0;
  let origin = "";
  let ranges: string[] = [];

  beforeAll(async () => {
    ranges = (await cf.ips.list()).ipv4_cidrs ?? [];
    const created = await hetzner("POST", "/servers", {
      name: "edge-origin",
      server_type: "cpx11",
      image: "debian-12",
      location: "nbg1",
      user_data: userData(ranges),
    });
    const server = created.server as { id: number; public_net: { ipv4: { ip: string } } };
    serverId = server.id;
    origin = server.public_net.ipv4.ip;
    const zone = await cf.zones.create({ name: ZONE, account: { id: env.CLOUDFLARE_ACCOUNT_ID! } });
    zoneId = zone.id;
  });
  afterAll(async () => {
    if (zoneId) await cf.zones.delete({ zone_id: zoneId });
    if (serverId) await hetzner("DELETE", `/servers/${serverId}`);
  });

  it("resolves a proxied record to the edge, and an unproxied one to the origin", async () => {
    await cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "app",
      content: origin,
      proxied: true,
      ttl: 1,
    });
    await cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "direct",
      content: origin,
      proxied: false,
      ttl: 1,
    });
    const resolver = sandboxResolver();
    expect(await resolver.resolve4(HOST)).toEqual(["127.0.4.1"]);
    expect(await resolver.resolve4(`direct.${ZONE}`)).toEqual([origin]);
    const cli = await expectCli(["sandbox", "resolve", HOST], 0, { env });
    expect(cli.stdout).toBe("127.0.4.1\n");
  });

  it("forwards HTTPS through the edge with Cloudflare's headers, from an address in the published ranges", async () => {
    await cf.zones.settings.edit("ssl", { zone_id: zoneId, value: "flexible" });
    const [edge = ""] = await sandboxResolver().resolve4(HOST);
    // The server boots and the edge reloads in the background: wait for the first good answer.
    const res = await waitFor(
      "the origin through the edge",
      async () => {
        const r = await get(`https://${HOST}/hello`, edge);
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(res.headers).toContain("server: cloudflare");
    expect(res.headers).toMatch(/cf-ray: \S+-sbx/);
    const echoed = JSON.parse(res.body) as { peer: string; headers: Record<string, string> };
    expect(ranges.some((cidr) => cidrContains(cidr, echoed.peer))).toBe(true);
    expect(echoed.headers).toMatchObject({
      host: HOST,
      "cf-ipcountry": "XX",
      "cf-visitor": '{"scheme":"https"}',
      "x-forwarded-proto": "https",
    });
    expect(echoed.headers["cf-connecting-ip"]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(echoed.headers["x-forwarded-for"]).toBe(echoed.headers["cf-connecting-ip"]);
    expect(echoed.headers["cf-ray"]).toMatch(/-SBX$/);
  });

  it("refuses a visitor who skips the edge, since the origin admits only Cloudflare's ranges", async () => {
    await expect(get(`http://${HOST}/`, origin)).rejects.toThrow(/refused|reset|Failed to connect/i);
  });

  it("resolves and proxies for servers too: a VM asks 127.0.2.3 and reaches the origin through the edge", async () => {
    const vm = vmContainerName(serverId);
    // What a user does on a server: point its resolver at the sandbox DNS, then use plain names.
    const script = [
      "echo nameserver 127.0.2.3 > /etc/resolv.conf",
      `getent ahostsv4 ${HOST} | head -n 1`,
      `curl -sS --max-time 5 http://${HOST}/from-vm`,
    ].join(" && ");
    const result = await exec(["docker", "exec", vm, "sh", "-c", script]);
    expect(result.stderr).toBe("");
    const [resolved = "", body = ""] = result.stdout.split("\n");
    expect(resolved).toMatch(/^127\.0\.4\.1\s/);
    const echoed = JSON.parse(body) as { peer: string; headers: Record<string, string> };
    expect(ranges.some((cidr) => cidrContains(cidr, echoed.peer))).toBe(true);
    expect(echoed.headers["cf-visitor"]).toBe('{"scheme":"http"}');
  });

  it("answers 530 error 1016 for a host the edge does not proxy", async () => {
    const res = await get(`http://unknown.${ZONE}/`, "127.0.4.1");
    expect(res.status).toBe(530);
    expect(res.body).toBe("error code: 1016");
  });
});
