/**
 * service.swarm: a `runtime: "swarm"` service. Swarm runs it: `docker stack deploy` on the manager
 * with start-first updates, the health check in the task and rollback when a new version never turns
 * healthy; its secret files are Docker secrets. slipway waits for the update to finish and says how it
 * ended, and on each web server keeps a gateway (see compose.ts) and Caddy's route to it. The swarm is
 * the truth: which release runs is the label on the service's spec.
 */
import { createHash } from "node:crypto";
import { type Change, change, type ResourceKind } from "../../engine/resource.ts";
import { UserError } from "../../errors.ts";
import { asRoot, type HostConnector, type HostRef } from "../../hosts/connector.ts";
import type { SshConnection } from "../../hosts/ssh.ts";
import { parseJsonOrNull } from "../../util/json.ts";
import { type AuditEntry, appendAudit, auditLine } from "../commands/audit.ts";
import { writePrivateFile } from "../commands/containers.ts";
import { ensureImage, type ImageSpec } from "../image.ts";
import { composition, compositionChanges, type ReleaseComposition } from "../release-composition.ts";
import { auditEntry, type DeployRun, defaultRun } from "../rollout.ts";
import { SLOT_PLACEHOLDER } from "../route.ts";
import { ensureOverlay, pruneSecrets, stackDeploy } from "./commands.ts";
import {
  composeFile,
  LABEL_SWARM_RELEASE,
  type SwarmComposeInput,
  secretName,
  swarmNetwork,
  swarmServiceName,
} from "./compose.ts";
import {
  configHash,
  deleteGateway,
  ensureGateway,
  type ObservedGateway,
  readGateway,
  routed,
  wantedRoute,
} from "./gateway.ts";
import { readSwarmService, readTasks, type SwarmService, waitForSwarm, waitGone } from "./wait.ts";

export const LABEL_SWARM_SPEC = "dev.slipway.spec";

export interface SwarmServiceInput extends ImageSpec, SwarmComposeInput {
  secretKeys: string[];
  domains: string[];
  pathPrefix?: string;
  securityHeaders: boolean;
  /** Web servers whose Caddy serves the service through a gateway (with `domains`). */
  gateways: HostRef[];
  proxyImage: string;
}

export interface ObservedSwarmService extends HostRef {
  stack: string;
  service: string;
  /** The release Swarm runs (the label on the service's spec), or null when there is no service. */
  release: string | null;
  spec: SwarmComposition | null;
  replicas: number | null;
  /** The release Swarm rolls back to (its previous spec), or null. */
  previousRelease: string | null;
  /** Tasks of the serving release that run and pass their health check. */
  healthyTasks: number;
  gateways: ObservedGateway[];
}

type Ctx = { hosts: HostConnector; deploy?: DeployRun };

/** The release id of a swarm service: everything that makes its tasks, secret values hashed. */
export function swarmReleaseId(input: Omit<SwarmComposeInput, "release" | "stack" | "service">): string {
  const secrets = Object.fromEntries(
    Object.entries(input.secrets).map(([k, v]) => [k, createHash("sha256").update(v).digest("hex")]),
  );
  const { image, port, env, command, replicas, healthcheck, drain, memory, cpus, runAs, mounts } = input;
  const value = {
    image,
    port,
    env,
    secrets,
    command,
    replicas,
    healthcheck,
    drain,
    memory,
    cpus,
    runAs,
    mounts,
  };
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}

async function observe(ctx: Ctx, want: SwarmServiceInput): Promise<ObservedSwarmService | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const service = await readSwarmService(ssh, want);
  const gateways = (await Promise.all(want.gateways.map((g) => readGateway(ctx, g, want)))).filter(
    (g): g is ObservedGateway => g !== null,
  );
  if (!service && gateways.length === 0) return null;
  const labels = service?.Spec.Labels ?? {};
  const spec = parseJsonOrNull<SwarmComposition>(labels[LABEL_SWARM_SPEC]);
  const release = labels[LABEL_SWARM_RELEASE] ?? null;
  const tasks = service ? await readTasks(ssh, want) : [];
  return {
    server: want.server,
    user: want.user,
    stack: want.stack,
    service: want.service,
    release,
    spec,
    replicas: service?.Spec.Mode?.Replicated?.Replicas ?? null,
    previousRelease: service?.PreviousSpec?.Labels?.[LABEL_SWARM_RELEASE] ?? null,
    healthyTasks: tasks.filter((t) => t.release === release && t.state === "running").length,
    gateways,
  };
}

/** Writes a file on the host, readable by root only. */
async function writeFile(ssh: SshConnection, user: string, path: string, content: string): Promise<void> {
  await ssh.run(asRoot(user, writePrivateFile(path)), `writing ${path}`, {
    stdin: content,
  });
}

/** Deploys the compose file (secrets in a private temporary directory, gone once Swarm holds them). */
async function deployStack(ssh: SshConnection, want: SwarmServiceInput): Promise<void> {
  const dir = (
    await ssh.run(asRoot(want.user, ["mktemp", "-d", "/tmp/slipway-swarm.XXXXXX"]), "making a temp directory")
  ).trim();
  try {
    const files: Record<string, string> = {};
    for (const [target, value] of Object.entries(want.secrets)) {
      files[target] = `${dir}/secret-${Object.keys(files).length}`;
      await writeFile(ssh, want.user, files[target]!, value);
    }
    const compose = composeFile(want, files, { [LABEL_SWARM_SPEC]: JSON.stringify(swarmComposition(want)) });
    await writeFile(ssh, want.user, `${dir}/compose.json`, JSON.stringify(compose));
    await ssh.run(
      asRoot(want.user, stackDeploy(want.stack, `${dir}/compose.json`)),
      "deploying to the swarm",
      {
        timeoutMs: 10 * 60_000,
      },
    );
  } finally {
    await ssh.exec(asRoot(want.user, ["rm", "-rf", dir]));
  }
}

function secretsOf(spec: SwarmService["Spec"] | undefined): string[] {
  return (spec?.TaskTemplate?.ContainerSpec?.Secrets ?? []).map((s) => s.SecretName);
}

/** How long a deploy of every task may take: each task's health deadline and then some. */
function deployTimeout(want: SwarmServiceInput): number {
  const check = want.healthcheck;
  const perTask = check.deadline + check.interval * Math.max(check.healthyThreshold, 3) + 30_000;
  return want.replicas * perTask + 60_000;
}

async function audit(
  ssh: SshConnection,
  want: SwarmServiceInput,
  run: DeployRun,
  action: "deploy" | "rollback",
  from: string | null,
  to: string,
  started: number,
  error?: string,
): Promise<void> {
  const entry: AuditEntry = {
    ...auditEntry(want, ssh, run, action, from, to, Date.now() - started),
    result: error === undefined ? "ok" : "failed",
    ...(error === undefined ? {} : { error }),
  };
  await ssh.exec(asRoot(want.user, appendAudit(want.stack)), { stdin: auditLine(entry) }).catch(() => {});
}

async function apply(ctx: Ctx, want: SwarmServiceInput): Promise<ObservedSwarmService> {
  const ssh = await ctx.hosts.connect(want);
  const started = Date.now();
  const run = ctx.deploy ?? defaultRun();
  await ensureImage(ssh, want);
  await ssh.run(asRoot(want.user, ensureOverlay(swarmNetwork(want.stack))), "creating the overlay network");
  const name = swarmServiceName(want.stack, want.service);
  const before = await readSwarmService(ssh, want);
  const from = before?.Spec.Labels?.[LABEL_SWARM_RELEASE] ?? null;
  await deployStack(ssh, want);
  const outcome = await waitForSwarm(ssh, want, before, want.release, deployTimeout(want));
  if (outcome.kind === "failed") {
    if (!before) await ssh.exec(asRoot(want.user, ["docker", "service", "rm", name]));
    const why = `release ${want.release} did not become healthy on the swarm`;
    await audit(ssh, want, run, "deploy", from, want.release, started, why);
    throw new UserError(
      `${want.service}: ${why}; ${
        before ? "Swarm rolled back to the previous release, which keeps serving" : "the service was removed"
      }.\n${outcome.detail}`,
    );
  }
  await audit(ssh, want, run, "deploy", from, want.release, started);
  // The previous spec's secrets stay: `slipway rollback` brings that spec back.
  const after = await readSwarmService(ssh, want);
  const keep = [
    ...Object.entries(want.secrets).map(([t, v]) => secretName(want.stack, want.service, t, v)),
    ...secretsOf(after?.Spec),
    ...secretsOf(after?.PreviousSpec),
  ];
  await ssh.exec(asRoot(want.user, pruneSecrets(`${want.stack}_${want.service}_`, keep)));
  if (routed(want)) for (const g of want.gateways) await ensureGateway(ctx, g, want);
  const observed = await observe(ctx, want);
  if (!observed) throw new Error(`${want.service}: the swarm service vanished after its deploy`);
  return observed;
}

/** Secret values as short hashes: enough to say a secret file changed, never what it holds. */
function secretHashes(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets).map(([k, v]) => [
      k,
      `sha256:${createHash("sha256").update(v).digest("hex").slice(0, 16)}`,
    ]),
  );
}

/** What the service is made of, recorded in a label on it: a release's composition plus replicas and secret files. */
export function swarmComposition(want: SwarmServiceInput): SwarmComposition {
  return { ...composition(want), replicas: want.replicas, secrets: secretHashes(want.secrets) };
}

export type SwarmComposition = ReleaseComposition & { replicas?: number; secrets?: Record<string, string> };

function swarmChanges(have: SwarmComposition, want: SwarmServiceInput): Change[] {
  const secrets = secretHashes(want.secrets);
  const names = [...new Set([...Object.keys(have.secrets ?? {}), ...Object.keys(secrets)])].sort();
  return [
    ...compositionChanges(have, want),
    ...names.flatMap((n) => change(`secrets.${n}`, have.secrets?.[n], secrets[n], { sensitive: true })),
  ];
}

export function diffSwarmService(want: SwarmServiceInput, have: ObservedSwarmService): Change[] {
  const parts = have.release !== want.release && have.spec ? swarmChanges(have.spec, want) : [];
  const hash = routed(want) ? configHash(want) : null;
  const gateways = want.gateways.flatMap((ref) => {
    const g = have.gateways.find((o) => o.server === ref.server);
    const route = routed(want) ? wantedRoute(want, SLOT_PLACEHOLDER) : null;
    const gateway = g?.running ? g.config : null;
    return [
      ...change(`gateway@${ref.server}`, gateway, hash),
      ...change(`route@${ref.server}`, g?.route ?? null, route),
    ];
  });
  return [
    ...change("release", have.release, want.release),
    ...parts,
    ...change("replicas", have.replicas, want.replicas),
    ...gateways,
  ];
}

/**
 * `slipway rollback` of a swarm service: Swarm's own rollback to its previous spec, start-first like
 * an update, waited for like a deploy.
 */
export async function rollbackSwarm(
  ctx: Ctx,
  want: SwarmServiceInput,
  have: ObservedSwarmService,
  run: DeployRun,
): Promise<{ from: string | null; to: string; ms: number }> {
  const started = Date.now();
  if (!have.previousRelease) {
    throw new UserError(`${want.service}: Swarm keeps no earlier release of it to roll back to`);
  }
  const ssh = await ctx.hosts.connect(want);
  const name = swarmServiceName(want.stack, want.service);
  const before = await readSwarmService(ssh, want);
  await ssh.run(
    asRoot(want.user, ["docker", "service", "rollback", "--detach", name]),
    `rolling back ${name}`,
  );
  const outcome = await waitForSwarm(ssh, want, before, have.previousRelease, deployTimeout(want));
  if (outcome.kind === "failed") {
    await audit(ssh, want, run, "rollback", have.release, have.previousRelease, started, "rollback failed");
    throw new UserError(
      `${want.service}: the rollback to ${have.previousRelease} failed.\n${outcome.detail}`,
    );
  }
  await audit(ssh, want, run, "rollback", have.release, have.previousRelease, started);
  return { from: have.release, to: have.previousRelease, ms: Date.now() - started };
}

export const swarmService: ResourceKind<SwarmServiceInput, ObservedSwarmService, Ctx> = {
  kind: "service.swarm",
  id: (o) => `${o.server}/${o.service}`,
  read: (ctx, _id, want) => observe(ctx, want),
  find: (ctx, want) => observe(ctx, want),
  diff: diffSwarmService,
  describe: (want) => ({
    server: want.server,
    release: want.release,
    image: want.build ? `${want.image} (built from ${want.build.context})` : want.image,
    replicas: want.replicas,
    port: want.port,
    domains: want.domains,
    env: Object.fromEntries(
      Object.entries(want.env).map(([k, v]) => [k, want.secretKeys.includes(k) ? "(sensitive)" : v]),
    ),
    secrets: Object.keys(want.secrets),
  }),
  create: (ctx, want) => apply(ctx, want),
  update: (ctx, _have, want) => apply(ctx, want),

  async delete(ctx, have) {
    for (const g of have.gateways) {
      await deleteGateway(ctx, { server: g.server, user: have.user }, have.stack, have.service);
    }
    if (!ctx.hosts.server(have)) return;
    const ssh = await ctx.hosts.connect(have);
    const name = swarmServiceName(have.stack, have.service);
    await ssh.exec(asRoot(have.user, ["docker", "service", "rm", name]));
    // Secrets in use by tasks still stopping cannot go yet; wait for the tasks, then remove them.
    await waitGone(ssh, have.user, name);
    await ssh.exec(asRoot(have.user, pruneSecrets(`${have.stack}_${have.service}_`, [])));
  },
};
