/**
 * `slipway releases [SERVICE]`: the releases each host keeps for a service (newest first), which one
 * serves, and the last deploys and rollbacks from the host's audit log.
 */
import { defineCommand } from "citty";
import { asRoot } from "../../hosts/connector.ts";
import { parseAudit, readAudit } from "../../services/commands/audit.ts";
import type { ObservedRelease, ReleaseInput } from "../../services/release.ts";
import type { ObservedSwarmService } from "../../services/swarm/service.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { json, out, paint } from "../output.ts";
import { planSession } from "../stack-run.ts";
import { releaseNodes, selectServices } from "./deploy.ts";

export const releasesCommand = defineCommand({
  meta: { name: "releases", description: "List the releases kept on each host and recent deploys" },
  args: {
    ...globalArgs,
    service: { type: "positional", description: "Service (default: every service)", required: false },
  },
  async run({ args }) {
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    try {
      const services = selectServices(session, args.service as string | undefined);
      const nodes = releaseNodes(session, services);
      await planSession(session, { targets: nodes.map((n) => n.address) });
      const report = [];
      for (const node of nodes) {
        const want = node.input as ReleaseInput;
        const have = session.observed.get(node.address) as ObservedRelease | undefined;
        let history: ReturnType<typeof parseAudit> = [];
        if (session.ctx.hosts.server(want)) {
          const ssh = await session.ctx.hosts.connect(want);
          const audit = await ssh.exec(asRoot(want.user, readAudit(want.stack, 200)));
          history = parseAudit(audit.stdout)
            .filter((e) => e.service === want.service)
            .slice(-10);
        }
        const releases =
          node.kind.kind === "service.swarm"
            ? swarmReleases(session.observed.get(node.address))
            : (have?.releases ?? []).map((r) => ({
                release: r.release,
                serving: r.release === have?.release,
                running: r.running,
                created: r.created,
                image: r.spec?.image ?? r.run?.image ?? null,
              }));
        report.push({
          service: want.service,
          host: node.kind.kind === "service.swarm" ? "the swarm" : (node.name.split("@")[1] ?? want.server),
          releases,
          history,
        });
      }
      if (args.json) return json({ services: report });
      for (const r of report) {
        out(`${r.service} on ${r.host}:`);
        if (r.releases.length === 0) out("  (no releases)");
        for (const rel of r.releases) {
          const state = rel.serving ? paint("green", "serving") : rel.running ? "running" : "stopped";
          out(
            `  ${rel.release.padEnd(13)} ${state.padEnd(rel.serving ? 16 : 7)} ${rel.created.slice(0, 19)}  ${rel.image ?? "-"}`,
          );
        }
        if (r.history.length > 0) out("  recent:");
        for (const e of r.history) {
          const result = e.result === "ok" ? paint("green", "ok") : paint("red", "failed");
          out(
            `    ${e.at.slice(0, 19)} ${e.action.padEnd(8)} ${e.from ?? "(none)"} → ${e.to} ${result} by ${e.who} in ${(e.ms / 1000).toFixed(1)} s`,
          );
        }
      }
      return 0;
    } finally {
      await session.close();
    }
  },
});

/** A swarm service's releases: the one it runs and the previous spec Swarm keeps for rollback. */
function swarmReleases(observed: unknown) {
  const have = observed as ObservedSwarmService | undefined;
  const rows = [];
  if (have?.release)
    rows.push({
      release: have.release,
      serving: true,
      running: true,
      created: "",
      image: have.spec?.image ?? null,
    });
  if (have?.previousRelease && have.previousRelease !== have.release)
    rows.push({ release: have.previousRelease, serving: false, running: false, created: "", image: null });
  return rows;
}
