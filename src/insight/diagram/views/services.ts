/**
 * Service dependencies: per server group, Caddy routing domains to services, and each service's
 * `dependsOn` (other services and data services). External APIs are not in the stack, so not drawn.
 */
import type { StackFacts } from "../../facts.ts";
import { serversOf } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";
import { accessoryLines, serviceLabel } from "./common.ts";

export function services(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: service dependencies`, "LR");
  d.node("users", ["Users"], { shape: "stadium" });
  for (const group of Object.keys(stack.servers)) {
    const names = serversOf(facts, group).map((s) => s.cloudName);
    d.group(`grp:${group}`, `${group}: ${names.join(", ")}`);
  }
  for (const [name, service] of Object.entries(stack.services)) {
    const where = service.servers.length === 1 ? service.servers[0]! : "shared";
    if (where === "shared") d.group("shared", "several server groups");
    const group = where === "shared" ? "shared" : `grp:${where}`;
    const route = service.domains.map((domain) => `${domain}${service.pathPrefix ?? ""}`);
    d.node(
      `svc:${name}`,
      [
        serviceLabel(facts, name),
        service.image ?? "built from source",
        service.port ? `port ${service.port}` : "worker",
        `on ${service.servers.join(", ")}`,
      ],
      { shape: "rounded", group },
    );
    if (route.length > 0) {
      for (const serverGroup of service.servers) {
        const proxy = `caddy:${serverGroup}`;
        if (!d.has(proxy)) {
          d.node(proxy, ["Caddy (TLS, routing)"], { group: `grp:${serverGroup}` });
          d.edge("users", proxy, { label: "https" });
        }
        d.edge(proxy, `svc:${name}`, { label: route.join(", ") });
      }
    }
  }
  for (const [name, accessory] of Object.entries(stack.accessories)) {
    d.node(`acc:${name}`, accessoryLines(facts, name), {
      shape: "database",
      group: `grp:${accessory.server}`,
    });
    for (const replica of accessory.replicas) {
      d.node(`acc:${name}@${replica}`, [`${name} replica`], { shape: "database", group: `grp:${replica}` });
      d.edge(`acc:${name}`, `acc:${name}@${replica}`, { label: "replication", dashed: true });
    }
    for (const dep of accessory.dependsOn) d.edge(`acc:${name}`, `acc:${dep}`);
  }
  for (const [name, service] of Object.entries(stack.services)) {
    for (const dep of service.dependsOn) {
      const target = stack.services[dep] ? `svc:${dep}` : `acc:${dep}`;
      d.edge(`svc:${name}`, target);
    }
  }
  if (stack.monitoring) {
    d.node("monitoring", ["Prometheus · Grafana · Alertmanager"], {
      group: `grp:${stack.monitoring.server}`,
    });
  }
  if (stack.logs.dozzle) {
    d.node("dozzle", ["Dozzle", stack.logs.dozzle.domain ?? "log viewer"], {
      group: `grp:${stack.logs.dozzle.server}`,
    });
  }
  for (const group of Object.keys(stack.servers)) {
    const busy = facts.servers.some((s) => s.group === group && s.services.length + s.accessories.length > 0);
    const tools = stack.monitoring?.server === group || stack.logs.dozzle?.server === group;
    if (busy || tools) continue;
    const role = stack.ssh.bastion === group ? "SSH jump host" : "no services";
    d.node(`idle:${group}`, [role], { group: `grp:${group}`, shape: "stadium" });
  }
  for (const [name, backup] of Object.entries(stack.backups)) {
    const bucket = stack.buckets[backup.bucket]!;
    if (!d.has(`bucket:${backup.bucket}`))
      d.node(`bucket:${backup.bucket}`, [`S3 ${bucket.name}`], { shape: "database" });
    const source = backup.accessory
      ? `acc:${backup.accessory}`
      : backup.service
        ? `svc:${backup.service}`
        : undefined;
    if (source) d.edge(source, `bucket:${backup.bucket}`, { label: `backup ${name}`, dashed: true });
  }
  return d.build();
}
