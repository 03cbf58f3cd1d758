/**
 * `slipway deploy [SERVICE] [--image REF]`: rolls out new releases of the stack's services (or one),
 * with no failed request, on servers `up` already made. `--image` deploys a given image instead of
 * building or pulling the one the stack names. The service's deploy lock on each host stops a second
 * deploy; `--force` takes over a lock whose deploy died.
 */
import { defineCommand } from "citty";
import { pendingSteps } from "../../engine/plan.ts";
import type { ResourceNode } from "../../engine/resource.ts";
import { UsageError, UserError } from "../../errors.ts";
import type { ObservedRelease, ReleaseInput } from "../../services/release.ts";
import { releaseId } from "../../services/release-composition.ts";
import { defaultRun } from "../../services/rollout.ts";
import { type SwarmServiceInput, swarmReleaseId } from "../../services/swarm/service.ts";
import { openSession, type Session } from "../../stack/session.ts";
import { closest } from "../../util/closest.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { lockArgs, lockRequest } from "../lock-options.ts";
import { json, out, paint, progress } from "../output.ts";
import { renderPlan } from "../render-plan.ts";
import { applySession, planSession } from "../stack-run.ts";

const IMAGE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const serviceArgs = {
  service: { type: "positional", description: "Service (default: every service)", required: false },
  force: { type: "boolean", description: "Take over a deploy lock left by a deploy that died" },
  reason: { type: "string", description: "Why, recorded in the lock and the audit log", valueHint: "TEXT" },
} as const;

/** The services a command acts on: the one named (checked, with a suggestion) or all of them. */
export function selectServices(session: Session, name: string | undefined): string[] {
  const all = Object.keys(session.stack.services);
  if (name === undefined) return all;
  if (all.includes(name)) return [name];
  const guess = closest(name, all);
  throw new UsageError(
    `no service "${name}" in ${session.file}${guess ? `; did you mean "${guess}"?` : ""}`,
    {
      hint: all.length > 0 ? `Services: ${all.join(", ")}.` : "The stack defines no services.",
    },
  );
}

/** Kinds that run a service's releases: containers managed by slipway, or a Swarm service. */
export const SERVICE_KINDS: readonly string[] = ["service.release", "service.swarm"];

export function releaseNodes(session: Session, services: readonly string[]): ResourceNode[] {
  return session.nodes.filter(
    (n) => SERVICE_KINDS.includes(n.kind.kind) && services.includes((n.input as ReleaseInput).service),
  );
}

/** Points the service's releases at `image` instead of what the stack builds or names. */
function overrideImage(session: Session, service: string, image: string): void {
  session.nodes = session.nodes.map((node) => {
    if (!SERVICE_KINDS.includes(node.kind.kind) || (node.input as ReleaseInput).service !== service)
      return node;
    const input = { ...(node.input as ReleaseInput), image, build: undefined, publish: undefined };
    const release =
      node.kind.kind === "service.swarm"
        ? swarmReleaseId(input as unknown as SwarmServiceInput)
        : releaseId(input);
    return { ...node, input: { ...input, release } };
  });
}

export const deployCommand = defineCommand({
  meta: { name: "deploy", description: "Release new versions of services with zero downtime" },
  args: {
    ...globalArgs,
    ...serviceArgs,
    image: { type: "string", description: "Deploy this image instead of the stack's", valueHint: "REF" },
    ...lockArgs,
  },
  async run({ args }) {
    const service = args.service as string | undefined;
    if (args.image !== undefined && !IMAGE.test(args.image)) {
      throw new UsageError(
        `--image: expected an image reference such as "ghcr.io/acme/web:1.2", got "${args.image}"`,
      );
    }
    if (args.image !== undefined && service === undefined) {
      throw new UsageError("--image needs a SERVICE: slipway deploy web --image ghcr.io/acme/web:1.2");
    }
    const command = `slipway deploy${service ? ` ${service}` : ""}`;
    const session = await openSession(args.config, process.env, {
      lock: lockRequest(command, args),
      environment: environmentOf(args),
    });
    try {
      const services = selectServices(session, service);
      if (service && args.image) overrideImage(session, service, args.image);
      session.ctx.deploy = {
        ...defaultRun(command),
        reason: args.reason ?? command,
        force: args.force === true,
      };
      const nodes = releaseNodes(session, services);
      if (nodes.length === 0) throw new UsageError("the stack has no services to deploy");
      const plan = await planSession(session, { targets: nodes.map((n) => n.address) });
      const missing = pendingSteps(plan).filter((s) => !SERVICE_KINDS.includes(s.kind.kind));
      if (missing.length > 0) {
        throw new UserError(
          `deploy only releases services, but ${missing.map((s) => s.address).join(", ")} must change first`,
          { hint: "Run slipway up: it makes the servers and proxy, and deploys the services too." },
        );
      }
      const steps = pendingSteps(plan);
      if (steps.length === 0) {
        if (args.json) return json({ deployed: [] });
        out(`Nothing to deploy: ${services.join(", ")} already run the wanted release.`);
        return 0;
      }
      if (!args.json) out(renderPlan(plan));
      const started = Date.now();
      await applySession(session, plan, { concurrency: 10 });
      const deployed = steps.map((step) => {
        const have = session.observed.get(step.address) as ObservedRelease | undefined;
        const before = (step.have as ObservedRelease | null)?.release ?? null;
        return {
          address: step.address,
          service: (step.want as ReleaseInput).service,
          from: before,
          to: have?.release ?? null,
        };
      });
      if (args.json) return json({ deployed, ms: Date.now() - started });
      progress(`deploy finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      for (const d of deployed) out(paint("green", `${d.address}: ${d.from ?? "(none)"} → ${d.to}`));
      return 0;
    } finally {
      await session.close();
    }
  },
});
