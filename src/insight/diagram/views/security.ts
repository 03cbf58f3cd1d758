/**
 * Security layers, outside in: the edge (Cloudflare proxying and the ranges allowed through), Hetzner
 * cloud firewalls, each host's own hardening, how applications are exposed, and how data and secrets
 * are kept. Every box states a setting of this stack, not a generic best practice.
 */
import type { StackFacts } from "../../facts.ts";
import { serversOf } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";
import { ruleText } from "./network.ts";

export function security(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: security layers`, "TB");
  d.group("edge", "1 · edge");
  const proxied = stack.dns?.records.some((r) => r.proxied) ?? false;
  d.node(
    "edge",
    stack.dns
      ? [
          `Cloudflare ${stack.dns.zone}`,
          proxied ? "proxied: CDN, WAF, DDoS, hidden origin" : "DNS only (origin visible)",
        ]
      : ["no DNS provider: clients reach the servers directly"],
    {
      group: "edge",
    },
  );
  d.group("cloud", "2 · Hetzner cloud firewalls");
  const guarded = new Set<string>();
  for (const [name, fw] of Object.entries(stack.firewalls)) {
    d.node(
      `fw:${name}`,
      [
        `firewall ${name} → ${fw.applyTo.join(", ")}`,
        ...(fw.rules.length ? fw.rules.map(ruleText) : ["drop all inbound"]),
      ],
      {
        group: "cloud",
      },
    );
    d.edge("edge", `fw:${name}`);
    for (const group of fw.applyTo) guarded.add(group);
  }
  const unguarded = Object.keys(stack.servers).filter((g) => !guarded.has(g));
  if (unguarded.length > 0) {
    d.node("fw:none", [`no cloud firewall on ${unguarded.join(", ")}`], { group: "cloud" });
    d.edge("edge", "fw:none");
  }
  d.group("hosts", "3 · hosts");
  const { ufw, fail2ban, upgrades } = stack.hosts;
  for (const server of facts.servers) {
    d.node(`host:${server.name}`, [server.cloudName], { group: "hosts" });
    const firewalls = Object.entries(stack.firewalls).filter(([, fw]) => fw.applyTo.includes(server.group));
    for (const [name] of firewalls) d.edge(`fw:${name}`, `host:${server.name}`);
    if (firewalls.length === 0) d.edge("fw:none", `host:${server.name}`);
  }
  const ufwRules = ufw.allow.map((r) => `${r.port}/${r.protocol} from ${r.from.join(", ")}`);
  d.node(
    "baseline",
    [
      `SSH keys only, root login off, user ${stack.ssh.user}`,
      stack.ssh.bastion
        ? `SSH only through bastion ${stack.ssh.bastion}`
        : "pinned host keys (no trust on first use)",
      ufw.enabled ? `UFW deny incoming; allow ${ufwRules.join("; ")}` : "UFW off",
      ufw.allowPrivateNetworks && Object.keys(stack.networks).length > 0 ? "private networks allowed" : "",
      fail2ban.enabled ? `fail2ban: ban after ${fail2ban.maxRetry} failures` : "fail2ban off",
      upgrades.enabled ? "unattended security upgrades" : "no automatic upgrades",
    ],
    { group: "hosts", shape: "rounded" },
  );
  d.group("apps", "4 · applications");
  for (const [name, service] of Object.entries(stack.services)) {
    d.node(
      `svc:${name}`,
      [
        name,
        service.domains.length ? "HTTPS by Caddy; app port on 127.0.0.1 only" : "no published port",
        service.user ? `runs as ${service.user}` : "runs as the image's user",
        Object.keys(service.secrets).length > 0
          ? `${Object.keys(service.secrets).length} secret file(s) 0400`
          : "",
      ],
      { group: "apps", shape: "rounded" },
    );
    for (const group of service.servers)
      for (const server of serversOf(facts, group)) d.edge(`host:${server.name}`, `svc:${name}`);
  }
  if (stack.proxy.securityHeaders)
    d.node("headers", ["HSTS, nosniff, referrer and frame policies"], { group: "apps" });
  d.group("data", "5 · data and secrets");
  for (const [name, accessory] of Object.entries(stack.accessories)) {
    const tls = accessory.type === "postgres" && accessory.ssl ? "TLS required" : "";
    d.node(
      `acc:${name}`,
      [
        name,
        accessory.network ? `private network ${accessory.network} only` : "same-server containers only",
        tls,
      ],
      {
        group: "data",
        shape: "database",
      },
    );
  }
  for (const [name, service] of Object.entries(stack.services))
    for (const dep of service.dependsOn) if (stack.accessories[dep]) d.edge(`svc:${name}`, `acc:${dep}`);
  d.node("secrets", ["secrets from the environment", "never in state, plans or logs"], { group: "data" });
  for (const [name, backup] of Object.entries(stack.backups)) {
    d.node(
      `backup:${name}`,
      [`backup ${name}: ${backup.tool} AES-256`, `bucket ${stack.buckets[backup.bucket]!.name}`],
      { group: "data" },
    );
  }
  for (const [key, bucket] of Object.entries(stack.buckets)) {
    d.node(
      `bucket:${key}`,
      [
        `S3 ${bucket.name}`,
        bucket.encryption ? "server-side encryption" : "no server-side encryption",
        bucket.versioning ? "versioned" : "",
      ],
      {
        group: "data",
        shape: "database",
      },
    );
  }
  return d.build();
}
