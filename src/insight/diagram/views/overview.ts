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

/**
 * Where traffic to a target comes from: through Cloudflare for proxied records, straight from users for
 * DNS-only records (Cloudflare only answers the lookup) and for targets no record names.
 */
export function trafficSources(
  stack: Stack,
  target: { loadBalancer?: string; server?: string },
  users: string,
): string[] {
  const records = (stack.dns?.records ?? []).filter((r) =>
    target.loadBalancer ? r.loadBalancer === target.loadBalancer : r.server === target.server,
  );
  if (records.length === 0) return [users];
  return [...new Set(records.map((r) => (r.proxied ? "cloudflare" : users)))];
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
    if (proxied) d.edge("users", "cloudflare", { label: "https" });
    if (dns.records.some((r) => !r.proxied))
      d.edge("users", "cloudflare", { label: "DNS lookup", dashed: true });
  }
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
    if (lb.public)
      for (const from of trafficSources(stack, { loadBalancer: name }, "users"))
        d.edge(from, `lb:${name}`, { label: lb.services.map((s) => s.listen).join("/") });
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
    for (const from of trafficSources(stack, { server: group }, "users"))
      for (const server of serversOf(facts, group)) d.edge(from, `server:${server.name}`, { label: "443" });
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
      d.edgeToGroup("prometheus", "nodes", { label: "scrapes every server", dashed: true });
    }
    if (stack.logs.dozzle) {
      d.node("dozzle", ["Dozzle log viewer", stack.logs.dozzle.domain ?? ""], { group: "monitoring" });
      d.edgeToGroup("dozzle", "nodes", { label: "logs of every server", dashed: true });
    }
  }

  // A merged stack is named <base>-<environment>; the others are named from the base.
  const current = stack.environment;
  const base = current === "production" ? stack.name : stack.name.slice(0, -(current.length + 1));
  const environments = ["production", ...Object.keys(stack.environments)].filter((e) => e !== current);
  if (environments.length > 0) {
    d.group("other", "Other environments");
    for (const env of environments) {
      const name = env === "production" ? base : `${base}-${env}`;
      d.node(`env:${env}`, [`${env}: ${name}`, "same stack file, own servers"], { group: "other" });
      d.edge("users", `env:${env}`, { dashed: true });
    }
  }
  return d.build();
}
