/**
 * Infrastructure end to end on the sandbox: one `up` brings a private network, a cloud firewall, a
 * spread placement group, two servers in both, a load balancer over them on the network, a volume per
 * server, a DNS record at the balancer in a sandbox Cloudflare zone and two buckets, after a network
 * made by hand was imported (and is then updated, not duplicated). A second plan has
 * nothing to do (its wall time is printed: a no-op plan should stay under 2 s); a firewall rule
 * deleted through the API shows as drift and `up` puts it back; `destroy` removes everything except
 * the bucket marked keepOnDestroy.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import Cloudflare from "cloudflare";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createS3Client } from "../../src/providers/s3/client.ts";
import { expectCli, runCli } from "./support/cli.ts";

const sandbox = inject("sandboxEnv");
const ZONE = "infra-e2e.test";

const STACK = {
  name: "infra",
  location: "fsn1",
  networks: { main: { ipRange: "10.20.0.0/16", subnets: { nodes: { ipRange: "10.20.1.0/24" } } } },
  placementGroups: { spread: {} },
  servers: {
    web: {
      type: "cx22",
      image: "debian-12",
      count: 2,
      networks: { main: { ips: ["10.20.1.10", "10.20.1.11"] } },
      placementGroup: "spread",
    },
  },
  firewalls: {
    web: {
      applyTo: ["web"],
      rules: [{ port: 22, description: "SSH" }, { port: 80 }, { port: 443 }, { protocol: "icmp" }],
    },
  },
  loadBalancers: { main: { network: "main", ip: "10.20.1.5", targets: ["web"] } },
  volumes: { data: { size: 10, servers: ["web"] } },
  dns: { zone: ZONE, records: [{ name: "@", loadBalancer: "main" }] },
  buckets: {
    assets: { lifecycle: [{ prefix: "tmp/", expireDays: 7 }] },
    scratch: { keepOnDestroy: false },
  },
};

async function hetzner(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.HCLOUD_ENDPOINT}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.HCLOUD_TOKEN}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

async function listed(kind: string): Promise<{ id: number; name: string }[]> {
  return (await hetzner("GET", `/${kind}?label_selector=slipway/stack=infra`))[kind] as {
    id: number;
    name: string;
  }[];
}

describe("infrastructure sections on the sandbox", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let cf: Cloudflare;
  let zoneId: string;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: dir, env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "slipway-e2e-infra-"));
    writeFileSync(join(dir, "slipway.config.ts"), `export default ${JSON.stringify(STACK, null, 2)};\n`);
    writeFileSync(join(dir, "id_ed25519"), ssh2.utils.generateKeyPairSync("ed25519").private, {
      mode: 0o600,
    });
    env = { ...sandbox, SLIPWAY_SSH_KEY: join(dir, "id_ed25519") };
    cf = new Cloudflare({ apiToken: sandbox.CLOUDFLARE_API_TOKEN, baseURL: sandbox.CLOUDFLARE_BASE_URL });
    zoneId = (await cf.zones.create({ name: ZONE, account: { id: sandbox.CLOUDFLARE_ACCOUNT_ID! } })).id;
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: dir, env });
    await cf.zones.delete({ zone_id: zoneId }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports a network made by hand instead of creating a second one", async () => {
    const typo = await cli(["import", "hetzner.network.mian", "1"], 2);
    expect(typo.stderr).toContain('did you mean "hetzner.network.main"?');
    const made = (await hetzner("POST", "/networks", { name: "by-hand", ip_range: "10.20.0.0/16" })) as {
      network: { id: number };
    };
    const id = String(made.network.id);
    const imported = await cli(["import", "hetzner.network.main", id], 0);
    expect(imported.stdout).toContain(`Imported hetzner.network.main (id ${id}).`);
    const plan = await cli(["plan"], 0);
    expect(plan.stdout).toContain("~ hetzner.network.main");
    expect(plan.stdout).not.toContain("+ hetzner.network.main");
  });

  it("comes up with every section, and a second plan has nothing to do", async () => {
    const started = Date.now();
    const up = await cli(["up", "--yes"], 0);
    process.stderr.write(`[e2e] infra up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(up.stdout).not.toContain("does not yet apply: networks");
    const networks = (await hetzner("GET", "/networks")).networks as { name: string }[];
    expect(networks.map((n) => n.name)).toEqual(["infra-main"]);
    for (const address of [
      "hetzner.network.main",
      "hetzner.firewall.web",
      "hetzner.placementGroup.spread",
      "hetzner.loadBalancer.main",
      "hetzner.volume.data.web-1",
      "cloudflare.dnsRecord.@.a",
      "s3.bucket.assets",
    ]) {
      expect(up.stdout).toContain(address);
    }

    const t0 = Date.now();
    await cli(["plan", "--detailed-exitcode"], 0);
    process.stderr.write(
      `[e2e] no-op plan of the infra stack in ${((Date.now() - t0) / 1000).toFixed(2)} s\n`,
    );
    // The cloud objects alone (no SSH probes of host settings), to see where a no-op plan spends its time.
    const cloud = [
      "hetzner.server.web-1",
      "hetzner.server.web-2",
      "hetzner.loadBalancer.main",
      "hetzner.volume.data.web-1",
      "hetzner.volume.data.web-2",
      "cloudflare.dnsRecord.@.a",
      "s3.bucket.assets",
      "s3.bucket.scratch",
    ];
    const t1 = Date.now();
    await cli(["plan", "--detailed-exitcode", ...cloud.flatMap((a) => ["--target", a])], 0);
    const cloudSeconds = ((Date.now() - t1) / 1000).toFixed(2);
    process.stderr.write(`[e2e] no-op plan of its cloud objects only in ${cloudSeconds} s\n`);
    const t2 = Date.now();
    await cli(["validate"], 0);
    const loadSeconds = ((Date.now() - t2) / 1000).toFixed(2);
    process.stderr.write(`[e2e] validate (CLI start and stack load) in ${loadSeconds} s\n`);

    const [lb] = (await hetzner("GET", "/load_balancers?label_selector=slipway/stack=infra"))
      .load_balancers as {
      public_net: { ipv4: { ip: string } };
      private_net: { ip: string }[];
      targets: unknown[];
    }[];
    expect(lb!.private_net.map((n) => n.ip)).toEqual(["10.20.1.5"]);
    const servers = (await hetzner("GET", "/servers?label_selector=slipway/stack=infra")).servers as {
      private_net: { ip: string }[];
      placement_group: { id: number } | null;
    }[];
    expect(servers.flatMap((s) => s.private_net.map((n) => n.ip)).sort()).toEqual([
      "10.20.1.10",
      "10.20.1.11",
    ]);
    expect(new Set(servers.map((s) => s.placement_group?.id)).size).toBe(1);
    expect((await listed("volumes")).map((v) => v.name).sort()).toEqual([
      "infra-data-web-1",
      "infra-data-web-2",
    ]);
    const records = await cf.dns.records.list({ zone_id: zoneId });
    expect(records.result.map((r) => [r.name, r.type, r.content])).toEqual([
      [ZONE, "A", lb!.public_net.ipv4.ip],
    ]);
  });

  it("shows a firewall rule deleted outside slipway as drift, and up puts it back", async () => {
    const [fw] = (await hetzner("GET", "/firewalls?label_selector=slipway/stack=infra")).firewalls as {
      id: number;
      rules: { port?: string | null; destination_ips?: string[] }[];
    }[];
    // What a hand edit in the console does: the same rules, less the one for port 80.
    const rules = fw!.rules
      .filter((r) => r.port !== "80")
      .map(({ destination_ips: _out, port, ...rule }) => (port ? { ...rule, port } : rule));
    const edit = await hetzner("POST", `/firewalls/${fw!.id}/actions/set_rules`, { rules });
    expect(edit.actions, JSON.stringify(edit)).toBeDefined();
    const plan = await cli(["plan", "--detailed-exitcode"], 2);
    expect(plan.stdout).toContain("~ hetzner.firewall.web");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    await cli(["up", "--yes"], 0);
    await cli(["plan", "--detailed-exitcode"], 0);
  });

  it("destroys everything but the bucket kept on destroy", async () => {
    const destroy = await cli(["destroy", "--yes"], 0);
    expect(destroy.stdout).toContain("keepOnDestroy");
    for (const kind of [
      "servers",
      "networks",
      "firewalls",
      "load_balancers",
      "volumes",
      "placement_groups",
    ]) {
      expect(await listed(kind), kind).toEqual([]);
    }
    expect((await cf.dns.records.list({ zone_id: zoneId })).result).toEqual([]);
    const s3 = createS3Client(env);
    await s3.send(new HeadBucketCommand({ Bucket: "infra-assets" }));
    await expect(s3.send(new HeadBucketCommand({ Bucket: "infra-scratch" }))).rejects.toThrow();
  });
});
