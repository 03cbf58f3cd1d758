/**
 * `slipway rollback [SERVICE] [--to RELEASE]`: brings back a release the hosts kept (by default the
 * newest one that is not serving), with the same zero-downtime switch as a deploy. The stack file is
 * not changed: the next deploy brings the stack's release back.
 */
import { defineCommand } from "citty";
import { UsageError, UserError } from "../../errors.ts";
import type { ObservedRelease, ReleaseInput } from "../../services/release.ts";
import { defaultRun, rollout } from "../../services/rollout.ts";
import {
  type ObservedSwarmService,
  rollbackSwarm,
  type SwarmServiceInput,
} from "../../services/swarm/service.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { json, out, paint } from "../output.ts";
import { planSession } from "../stack-run.ts";
import { releaseNodes, selectServices, serviceArgs } from "./deploy.ts";

export const rollbackCommand = defineCommand({
  meta: { name: "rollback", description: "Switch a service back to an earlier release" },
  args: {
    ...globalArgs,
    ...serviceArgs,
    to: {
      type: "string",
      description: "Release to go back to (default: the previous one)",
      valueHint: "RELEASE",
    },
  },
  async run({ args }) {
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    try {
      const named = args.service as string | undefined;
      const all = Object.keys(session.stack.services);
      if (named === undefined && all.length > 1) {
        throw new UsageError(`name the service to roll back: one of ${all.join(", ")}`);
      }
      const services = selectServices(session, named ?? all[0]);
      const command = `slipway rollback ${services[0]}`;
      const run = { ...defaultRun(command), reason: args.reason ?? command, force: args.force === true };
      const nodes = releaseNodes(session, services);
      await planSession(session, { targets: nodes.map((n) => n.address) });
      const done = [];
      for (const node of nodes) {
        if (node.kind.kind === "service.swarm") {
          const want = node.input as SwarmServiceInput;
          const have = session.observed.get(node.address) as ObservedSwarmService | undefined;
          if (!have?.release) throw new UserError(`${want.service} does not run on the swarm yet`);
          if (args.to && args.to !== have.previousRelease) {
            throw new UserError(
              `${want.service}: Swarm can only go back to its previous release (${have.previousRelease ?? "none"}), not "${args.to}"`,
              {
                hint: `Run it without --to, or deploy the release you want with: slipway deploy ${want.service}`,
              },
            );
          }
          const result = await rollbackSwarm(session.ctx, want, have, run);
          done.push({ address: node.address, service: want.service, ...result });
          continue;
        }
        const want = node.input as ReleaseInput;
        const have = session.observed.get(node.address) as ObservedRelease | undefined;
        const kept = (have?.releases ?? []).filter((r) => r.release !== have?.release);
        const target = args.to ? have?.releases.find((r) => r.release === args.to) : kept[0];
        if (!target) {
          const list = kept.map((r) => r.release).join(", ") || "none";
          throw new UserError(
            args.to
              ? `${want.service} on ${node.name}: no release "${args.to}" is kept there (kept: ${list})`
              : `${want.service} on ${node.name}: no earlier release is kept to roll back to`,
            { hint: `See them with: slipway releases ${want.service}` },
          );
        }
        if (!target.run || !target.specLabel) {
          throw new UserError(
            `${want.service}: release ${target.release} was made by an older slipway and cannot be run again`,
          );
        }
        const ssh = await session.ctx.hosts.connect(want);
        const result = await rollout(
          ssh,
          want,
          { release: target.release, run: target.run, spec: target.specLabel },
          "rollback",
          run,
        );
        done.push({ address: node.address, service: want.service, ...result });
      }
      if (args.json) return json({ rolledBack: done });
      for (const d of done)
        out(paint("green", `${d.address}: ${d.from ?? "(none)"} → ${d.to} in ${(d.ms / 1000).toFixed(1)} s`));
      return 0;
    } finally {
      await session.close();
    }
  },
});
