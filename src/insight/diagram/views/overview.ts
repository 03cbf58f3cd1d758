/**
 * Overview: the request path from the edge (users, Cloudflare) through load balancers to the web
 * nodes, then what they use (data services), what watches them (monitoring) and the other environments
 * the stack defines (staging, …).
 */
import type { Stack } from "../../../config/index.ts";
import { recordHost } from "../../../config/index.ts";
import { type StackFacts, serversOf, webGroups } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";
import { accessoryLines, serverLines, serviceLabel } from "./common.ts";

function edgeTargets(stack: Stack): { lbs: Set<string>; groups: Set<string> } {
  const lbs = new Set<string>();
  const groups = new Set<string>();
  for (const record of stack.dns?.records ?? []) {
    if (record.loadBalancer) lbs.add(record.loadBalancer);
    if (record.server) groups.add(record.server);
  }
  return { lbs, groups };
}

export function overview(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: overview`, "TB");
  d.group("edge", "Edge");
  d.node("users", ["Users"], { shape: "stadium", group: "edge" });
  const dns = stack.dns;
  if (dns) {
    const proxied = dns.records.some((r) => r.proxied);
    const hosts = dns.records.map((r) => recordHost(dns.zone, r.name));
    d.node("cloudflare", [`Cloudflare ${proxied ? "CDN/WAF + DNS" : "DNS"}`, ...hosts], { group: "edge" });
    d.edge("users", "cloudflare");
  }
  const entry = dns ? "cloudflare" : "users";
  const { lbs, groups: directGroups } = edgeTargets(stack);
  const web = webGroups(stack);

  d.group("production", stack.environment);
  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    d.node(
      `lb:${name}`,
      [`Load balancer ${name}`, `${lb.type} · ${lb.location}`, lb.ip ? `private ${lb.ip}` : ""],
      {
        shape: "hexagon",
        group: "production",
      },
    );
    if (lbs.has(name) || !dns) d.edge(entry, `lb:${name}`, { label: "80/443" });
  }
  d.group("nodes", "Servers", "production");
  for (const server of facts.servers) {
    const runs = [
      ...server.services.map((s) => serviceLabel(facts, s)),
      ...server.accessories.map((a) => `${a.name} (${a.role})`),
      ...(stack.monitoring?.server === server.group ? ["monitoring"] : []),
    ];
    d.node(`server:${server.name}`, [...serverLines(server), runs.length ? `runs: ${runs.join(", ")}` : ""], {
      group: "nodes",
    });
  }
  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    for (const group of lb.targets)
      for (const server of serversOf(facts, group)) d.edge(`lb:${name}`, `server:${server.name}`);
  }
  for (const group of web) {
    const balanced = Object.values(stack.loadBalancers).some((lb) => lb.targets.includes(group));
    if (balanced) continue;
    if (directGroups.has(group) || !dns)
      for (const server of serversOf(facts, group)) d.edge(entry, `server:${server.name}`, { label: "443" });
  }

  if (Object.keys(stack.accessories).length > 0) d.group("data", "Data", "production");
  for (const name of Object.keys(stack.accessories)) {
    d.node(`acc:${name}`, accessoryLines(facts, name), { shape: "database", group: "data" });
  }
  for (const [name, service] of Object.entries(stack.services)) {
    for (const dep of service.dependsOn.filter((dep) => stack.accessories[dep])) {
      for (const group of service.servers)
        for (const server of serversOf(facts, group))
          d.edge(`server:${server.name}`, `acc:${dep}`, { label: name });
    }
  }
  for (const bucket of Object.values(stack.buckets)) {
    d.node(`bucket:${bucket.name}`, [`S3 bucket ${bucket.name}`], { shape: "database", group: "data" });
  }
  for (const backup of Object.values(stack.backups)) {
    const bucket = stack.buckets[backup.bucket]!;
    const source = backup.accessory ? `acc:${backup.accessory}` : undefined;
    if (source) d.edge(source, `bucket:${bucket.name}`, { label: "backup", dashed: true });
  }

  if (stack.monitoring || stack.logs.dozzle) {
    d.group("monitoring", "Monitoring & logs");
    if (stack.monitoring) {
      d.node(
        "prometheus",
        ["Prometheus · Grafana · Alertmanager", `on ${stack.name}-${stack.monitoring.server}`],
        {
          group: "monitoring",
        },
      );
      for (const server of facts.servers)
        d.edge("prometheus", `server:${server.name}`, { label: "scrape", dashed: true });
    }
    if (stack.logs.dozzle) {
      d.node("dozzle", ["Dozzle log viewer", stack.logs.dozzle.domain ?? ""], { group: "monitoring" });
      for (const server of facts.servers)
        d.edge("dozzle", `server:${server.name}`, { label: "logs", dashed: true });
    }
  }

  const environments = Object.keys(stack.environments);
  if (environments.length > 0) {
    d.group("other", "Other environments");
    for (const env of environments) {
      d.node(`env:${env}`, [`${stack.name}-${env}`, "same stack, own servers"], { group: "other" });
      d.edge(entry, `env:${env}`, { dashed: true });
    }
  }
  return d.build();
}
