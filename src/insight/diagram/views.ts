/**
 * The diagram views, by the name `slipway diagram --view` takes, in the order docs show them.
 */
import type { StackFacts } from "../facts.ts";
import type { Diagram } from "./graph.ts";
import { backup } from "./views/backup.ts";
import { hosts } from "./views/hosts.ts";
import { monitoring } from "./views/monitoring.ts";
import { network } from "./views/network.ts";
import { overview } from "./views/overview.ts";
import { pipeline } from "./views/pipeline.ts";
import { resources } from "./views/resources.ts";
import { security } from "./views/security.ts";
import { services } from "./views/services.ts";

export interface View {
  name: string;
  title: string;
  draw(facts: StackFacts): Diagram | Promise<Diagram>;
}

export const VIEWS: readonly View[] = [
  { name: "overview", title: "Overview", draw: overview },
  { name: "network", title: "Network", draw: network },
  { name: "services", title: "Service dependencies", draw: services },
  { name: "pipeline", title: "Deployment pipeline", draw: pipeline },
  { name: "hosts", title: "Host configuration", draw: hosts },
  { name: "resources", title: "Resource dependency graph", draw: resources },
  { name: "monitoring", title: "Monitoring and alerting", draw: monitoring },
  { name: "security", title: "Security layers", draw: security },
  { name: "backup", title: "Backup and recovery", draw: backup },
];

export function findView(name: string): View | undefined {
  return VIEWS.find((v) => v.name === name);
}
