/**
 * Monitoring and alerting: what is measured on each server, which health checks guard each service,
 * where metrics and logs are kept and who is alerted. Without a `monitoring` section the view shows
 * what remains: health gates, rotated container logs and `slipway status` / `slipway logs`.
 */
import { formatDuration } from "../../../config/index.ts";
import type { StackFacts } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";

export function monitoring(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: monitoring and alerting`, "LR");
  const mon = stack.monitoring;
  d.group("sources", "sources");
  for (const server of facts.servers) {
    d.node(
      `server:${server.name}`,
      [
        server.cloudName,
        mon ? "node-exporter · cAdvisor" : "",
        `container logs ${stack.logs.maxSize}M × ${stack.logs.maxFiles}`,
      ],
      {
        group: "sources",
      },
    );
  }
  d.group("health", "health checks");
  for (const [name, service] of Object.entries(stack.services)) {
    const check = service.port
      ? `GET ${service.healthcheck.path} every ${formatDuration(service.healthcheck.interval)}`
      : "container running";
    d.node(`svc:${name}`, [name, check], { group: "health", shape: "rounded" });
  }
  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    d.node(
      `lb:${name}`,
      [
        `load balancer ${name}`,
        ...lb.services.map((s) => `${s.healthcheck.protocol} check :${s.healthcheck.port}`),
      ],
      {
        group: "health",
        shape: "hexagon",
      },
    );
  }
  if (mon) {
    const where = `${stack.name}-${mon.server}`;
    d.group("collect", `monitoring on ${where}`);
    d.node("prometheus", ["Prometheus", `keeps ${formatDuration(mon.retention)}`], { group: "collect" });
    d.node("grafana", ["Grafana", mon.domain ?? "via ssh tunnel"], { group: "collect" });
    d.node("alertmanager", ["Alertmanager"], { group: "collect" });
    for (const server of facts.servers) d.edge(`server:${server.name}`, "prometheus", { label: "metrics" });
    for (const name of Object.keys(stack.services))
      d.edge(`svc:${name}`, "prometheus", { label: "probe", dashed: true });
    d.edge("prometheus", "grafana");
    d.edge("prometheus", "alertmanager", { label: "rules" });
    d.group("alerts", "alerts");
    for (const email of mon.alerts.email) {
      d.node(`mail:${email}`, [`mail ${email}`], { group: "alerts", shape: "stadium" });
      d.edge("alertmanager", `mail:${email}`);
    }
    if (mon.alerts.slackWebhook) {
      d.node("slack", ["Slack webhook"], { group: "alerts", shape: "stadium" });
      d.edge("alertmanager", "slack");
    }
  } else {
    d.node("status", ["slipway status", "servers · releases · health"], { shape: "stadium" });
    for (const name of Object.keys(stack.services)) d.edge(`svc:${name}`, "status", { dashed: true });
  }
  d.node("logs", ["slipway logs SERVICE", "every host, prefixed"], { shape: "stadium" });
  for (const server of facts.servers)
    if (server.services.length > 0) d.edge(`server:${server.name}`, "logs", { dashed: true });
  if (stack.logs.dozzle) {
    d.node("dozzle", ["Dozzle", stack.logs.dozzle.domain ?? `on ${stack.name}-${stack.logs.dozzle.server}`], {
      shape: "stadium",
    });
    for (const server of facts.servers) d.edge(`server:${server.name}`, "dozzle", { dashed: true });
  }
  return d.build();
}
