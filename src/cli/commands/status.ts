/**
 * `slipway status`: what runs, read from reality. Each server with its type, place, public and private
 * addresses and health (running, and reachable over SSH with Docker up); each service on each server
 * with its URL, the release it serves, its replicas and whether it answers its health check.
 */
import { defineCommand } from "citty";
import type { Stack } from "../../config/index.ts";
import { asRoot } from "../../hosts/connector.ts";
import { privateIps, stackFacts } from "../../insight/facts.ts";
import type { ObservedServer } from "../../providers/hetzner/server.ts";
import { containerName } from "../../services/commands/containers.ts";
import { healthProbe } from "../../services/commands/health.ts";
import type { ObservedRelease, ReleaseInput } from "../../services/release.ts";
import type { ObservedSwarmService, SwarmServiceInput } from "../../services/swarm/service.ts";
import { openSession, type Session } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { json, out, paint } from "../output.ts";
import { planSession } from "../stack-run.ts";

export interface ServiceStatus {
  name: string;
  server: string;
  url: string | null;
  address: string | null;
  release: string | null;
  /** Containers per server the stack asks for. */
  replicas: number;
  /** Release containers on the server, running or kept for rollback. */
  releasesKept: number;
  healthy: boolean;
}

export type ServerHealth = "healthy" | "unreachable" | "missing" | string;

export interface ServerStatus {
  name: string;
  group: string;
  id: number | null;
  type: string;
  location: string;
  /** Hetzner's status: running, off, …; "missing" when the server does not exist. */
  status: string;
  address: string | null;
  ipv6: string | null;
  privateIps: string[];
  /** "healthy" when running with Docker reachable over SSH; else why not. */
  health: ServerHealth;
}

/** A swarm service: one row, served through its gateways; healthy when every task passes its check. */
function swarmStatuses(session: Session): ServiceStatus[] {
  return session.nodes
    .filter((n) => n.kind.kind === "service.swarm")
    .map((node) => {
      const want = node.input as SwarmServiceInput;
      const have = session.observed.get(node.address) as ObservedSwarmService | undefined;
      const entry = want.gateways[0]?.server ?? want.server;
      const server = session.observed.get(entry) as ObservedServer | undefined;
      const domain = want.domains[0];
      return {
        name: want.service,
        server: "swarm",
        url: domain ? `https://${domain}${want.pathPrefix ?? "/"}` : null,
        address: server?.ipv4 ?? null,
        release: have?.release ?? null,
        replicas: want.replicas,
        releasesKept: have?.previousRelease ? 2 : have?.release ? 1 : 0,
        healthy: have?.release != null && have.healthyTasks === want.replicas,
      };
    });
}

async function serviceStatuses(session: Session): Promise<ServiceStatus[]> {
  const releases = session.nodes.filter((n) => n.kind.kind === "service.release");
  const swarm = swarmStatuses(session);
  const containers = await Promise.all(
    releases.map(async (node) => {
      const want = node.input as ReleaseInput;
      const have = session.observed.get(node.address) as ObservedRelease | undefined;
      const server = session.observed.get(want.server) as ObservedServer | undefined;
      const domain = want.domains[0];
      const serving = have?.releases.find((r) => r.release === have.release);
      let healthy = false;
      if (have?.release && serving) {
        const ssh = await session.ctx.hosts.connect(want);
        const probe = healthProbe(
          containerName(want.stack, want.service, have.release),
          serving.hostPort,
          want.healthcheck,
        );
        healthy = (await ssh.exec(asRoot(want.user, probe))).code === 0;
      }
      return {
        name: want.service,
        server: node.address.split("@")[1] ?? want.server,
        url: domain ? `https://${domain}${want.pathPrefix ?? "/"}` : null,
        address: server?.ipv4 ?? null,
        release: have?.release ?? null,
        replicas: session.stack.services[want.service]?.replicas ?? 1,
        releasesKept: have?.releases.length ?? 0,
        healthy,
      };
    }),
  );
  return [...containers, ...swarm];
}

/** Pure: every server the stack wants, with what planning observed of it (and of its Docker engine). */
export function serverStatuses(stack: Stack, observed: ReadonlyMap<string, unknown>): ServerStatus[] {
  return stackFacts(stack).servers.map((fact) => {
    const s = observed.get(`hetzner.server.${fact.name}`) as ObservedServer | undefined;
    const dockerUp = observed.has(`host.docker.${fact.name}`);
    const health = !s ? "missing" : s.status !== "running" ? s.status : dockerUp ? "healthy" : "unreachable";
    return {
      name: fact.name,
      group: fact.group,
      id: s?.id ?? null,
      type: s?.serverType ?? fact.type,
      location: s?.location ?? fact.location,
      status: s?.status ?? "missing",
      address: s?.ipv4 ?? null,
      ipv6: s?.ipv6 ?? null,
      privateIps: privateIps(fact),
      health,
    };
  });
}

/** After `up`: where each service answers. */
export async function printEndpoints(session: Session): Promise<void> {
  for (const s of await serviceStatuses(session)) {
    if (s.url)
      out(`  ${s.name}: ${s.url}  (at ${s.address}${s.healthy ? "" : paint("yellow", ", not healthy")})`);
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`.trimEnd());
}

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Show servers and services as they run now" },
  args: { ...globalArgs },
  async run({ args }) {
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    try {
      await planSession(session);
      const services = await serviceStatuses(session);
      const servers = serverStatuses(session.stack, session.observed);
      if (args.json) return json({ stack: session.stack.name, servers, services });
      out(`Stack ${session.stack.name}\n\nServers:`);
      out(
        table([
          ["name", "type", "location", "public", "private", "health"],
          ...servers.map((s) => [
            s.name,
            s.type,
            s.location,
            s.address ?? "-",
            s.privateIps.join(", ") || "-",
            s.health,
          ]),
        ]).join("\n"),
      );
      out("\nServices:");
      if (services.length === 0) out("  (none)");
      else
        out(
          table([
            ["name", "server", "release", "replicas", "health", "url"],
            ...services.map((s) => [
              s.name,
              s.server,
              s.release ?? "-",
              String(s.replicas),
              s.healthy ? "healthy" : "unhealthy",
              s.url ?? "-",
            ]),
          ]).join("\n"),
        );
      return 0;
    } finally {
      await session.close();
    }
  },
});
