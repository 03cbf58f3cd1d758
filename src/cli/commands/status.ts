/**
 * `slipway status`: what runs, read from reality: each server with its address, each service with its
 * URL, the address to reach it at, the release it serves and whether it answers its health check.
 */
import { defineCommand } from "citty";
import { asRoot } from "../../hosts/connector.ts";
import type { ObservedServer } from "../../providers/hetzner/server.ts";
import { containerName } from "../../services/commands/containers.ts";
import { healthProbe } from "../../services/commands/health.ts";
import type { ObservedRelease, ReleaseInput } from "../../services/release.ts";
import { openSession, type Session } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { json, out, paint } from "../output.ts";
import { planSession } from "../stack-run.ts";

export interface ServiceStatus {
  name: string;
  server: string;
  url: string | null;
  address: string | null;
  release: string | null;
  healthy: boolean;
}

export interface ServerStatus {
  name: string;
  id: number;
  type: string;
  location: string;
  status: string;
  address: string | null;
}

async function serviceStatuses(session: Session): Promise<ServiceStatus[]> {
  const releases = session.nodes.filter((n) => n.kind.kind === "service.release");
  return Promise.all(
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
        healthy,
      };
    }),
  );
}

function serverStatuses(session: Session): ServerStatus[] {
  return session.nodes
    .filter((n) => n.kind.kind === "hetzner.server")
    .flatMap((node) => {
      const s = session.observed.get(node.address) as ObservedServer | undefined;
      if (!s) return [];
      return [
        {
          name: node.name,
          id: s.id,
          type: s.serverType,
          location: s.location,
          status: s.status,
          address: s.ipv4,
        },
      ];
    });
}

/** After `up`: where each service answers. */
export async function printEndpoints(session: Session): Promise<void> {
  for (const s of await serviceStatuses(session)) {
    if (s.url)
      out(`  ${s.name}: ${s.url}  (at ${s.address}${s.healthy ? "" : paint("yellow", ", not healthy")})`);
  }
}

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Show servers and services as they run now" },
  args: { ...globalArgs },
  async run({ args }) {
    const session = await openSession(args.config);
    try {
      await planSession(session);
      const services = await serviceStatuses(session);
      const servers = serverStatuses(session);
      if (args.json) return json({ stack: session.stack.name, servers, services });
      out(`Stack ${session.stack.name}\n\nServers:`);
      if (servers.length === 0) out("  (none)");
      for (const s of servers) {
        out(
          `  ${s.name.padEnd(16)} ${s.status.padEnd(12)} ${s.type.padEnd(8)} ${s.location.padEnd(6)} ${s.address ?? "-"}`,
        );
      }
      out("\nServices:");
      if (services.length === 0) out("  (none)");
      for (const s of services) {
        const health = s.healthy ? paint("green", "healthy  ") : paint("red", "unhealthy");
        out(
          `  ${s.name.padEnd(16)} ${health} ${(s.release ?? "-").padEnd(13)} ${s.url ?? "-"} at ${s.address ?? "-"}`,
        );
      }
    } finally {
      await session.close();
    }
  },
});
