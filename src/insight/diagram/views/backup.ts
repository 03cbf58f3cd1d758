/**
 * Backup and recovery: each backup from its source (a data service, a service's mounts, a volume or
 * host paths, on the servers that hold them) through its schedule and encryption into its bucket, the
 * scheduled restore test, and the restore command. Servers and releases need no backup, since
 * `slipway up` rebuilds them from this file; the view says so, naming them.
 */
import type { StackFacts } from "../../facts.ts";
import { serversOf } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";

function retentionText(r: {
  last?: number;
  hourly?: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly?: number;
}): string {
  const parts = Object.entries(r)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return `keep ${parts.join(", ")}`;
}

export function backup(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: backup and recovery`, "LR");
  const backups = Object.entries(stack.backups);
  d.group("sources", "data sources");
  d.group("process", "backup process");
  d.group("storage", "storage");
  d.group("recovery", "recovery");
  for (const [key, bucket] of Object.entries(stack.buckets)) {
    d.node(
      `bucket:${key}`,
      [
        `S3 ${bucket.name}`,
        bucket.versioning ? "versioned" : "",
        ...bucket.lifecycle.map(
          (l) => `expire ${l.prefix || "all"} after ${l.expireDays ?? l.noncurrentExpireDays} d`,
        ),
      ],
      {
        group: "storage",
        shape: "database",
      },
    );
  }
  for (const [name, b] of backups) {
    let holders: string[];
    let what: string;
    if (b.accessory) {
      const accessory = stack.accessories[b.accessory]!;
      holders = serversOf(facts, accessory.server).map((s) => s.cloudName);
      what = `${b.accessory} (${accessory.type})`;
    } else if (b.service) {
      const service = stack.services[b.service]!;
      holders = service.servers.flatMap((g) => serversOf(facts, g).map((s) => s.cloudName));
      what = `${b.service} mounts`;
    } else if (b.volume) {
      holders = stack.volumes[b.volume]!.servers.flatMap((g) => serversOf(facts, g).map((s) => s.cloudName));
      what = `volume ${b.volume}`;
    } else {
      holders = (b.servers ?? []).flatMap((g) => serversOf(facts, g).map((s) => s.cloudName));
      what = (b.paths ?? []).join(", ");
    }
    d.node(`src:${name}`, [what, `on ${holders.join(", ")}`], { group: "sources", shape: "database" });
    d.node(
      `run:${name}`,
      [
        `${name}: ${b.tool}`,
        `cron ${b.schedule} (${stack.hosts.timezone})`,
        "AES-256 encrypted",
        retentionText(b.retention),
      ],
      {
        group: "process",
      },
    );
    d.edge(`src:${name}`, `run:${name}`);
    d.edge(`run:${name}`, `bucket:${b.bucket}`, { label: b.prefix });
    d.node(`restore:${name}`, [`slipway backup restore ${name}`], { group: "recovery", shape: "stadium" });
    d.edge(`bucket:${b.bucket}`, `restore:${name}`);
    if (b.verify) {
      d.node(`verify:${name}`, ["restore test", `cron ${b.verify}`], { group: "recovery" });
      d.edge(`bucket:${b.bucket}`, `verify:${name}`, { dashed: true });
    }
  }
  const snapshotted = Object.entries(stack.servers).filter(([, s]) => s.backups);
  if (snapshotted.length > 0) {
    d.node("hetzner-backups", ["Hetzner daily server backups", "7 kept", ...snapshotted.map(([g]) => g)], {
      group: "storage",
    });
    for (const [group] of snapshotted)
      for (const server of serversOf(facts, group)) {
        if (!d.has(`server:${server.name}`))
          d.node(`server:${server.name}`, [server.cloudName], { group: "sources" });
        d.edge(`server:${server.name}`, "hetzner-backups", { label: "image" });
      }
  }
  const rebuilt = [
    ...facts.servers.map((s) => s.cloudName),
    ...Object.keys(stack.services).map((s) => `release of ${s}`),
  ];
  d.node("rebuild", ["rebuilt by slipway up / deploy, no backup needed:", ...rebuilt], { group: "recovery" });
  d.node("stackfile", ["slipway.config.ts in git"], { group: "sources", shape: "stadium" });
  d.edge("stackfile", "rebuild");
  if (backups.length === 0)
    d.node("none", ["no scheduled backups in this stack"], { group: "process", shape: "hexagon" });
  return d.build();
}
