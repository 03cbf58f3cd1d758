/**
 * One release of one service on one host, deploy or rollback alike, under the service's deploy lock:
 * start the release on the free slot (closed to Caddy), run the pre-deploy hook, wait for the health
 * gate, open the new slot, give Caddy one health interval to see it, close the old slot, drain and stop
 * the old release, keep the last N. Caddy's config never changes on the way, so no client connection
 * is closed; a release that never becomes healthy is removed while the old one keeps serving. Every
 * outcome is appended to the host's audit log.
 */
import { hostname, userInfo } from "node:os";
import { errorMessage, UserError } from "../errors.ts";
import { asRoot } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { processAlive } from "../util/process.ts";
import type { Argv } from "../util/shell.ts";
import { sleep } from "../util/wait.ts";
import { type AuditEntry, appendAudit, auditLine } from "./commands/audit.ts";
import {
  containerAddress,
  containerName,
  ensureNetwork,
  envFilePath,
  listReleases,
  type RunParts,
  removeContainer,
  runHook,
  runRelease,
  stackNetwork,
  stopRelease,
} from "./commands/containers.ts";
import { healthProbe, waitHealthy } from "./commands/health.ts";
import {
  acquireLock,
  isAbandoned,
  LOCK_HELD,
  type LockHolder,
  parseHolder,
  releaseLock,
} from "./commands/lock.ts";
import { closeSlots, slotChain } from "./commands/slots.ts";
import {
  type HostRelease,
  hostReleases,
  parseReleases,
  type ReleaseInput,
  servingRelease,
  slotOf,
} from "./host-releases.ts";
import { closedSlots, ensureRoute, SLOT_SETTLE_MS, serviceSlots } from "./route.ts";

/** Who runs this deploy and why: recorded in the lock and the audit log. */
export interface DeployRun {
  who: string;
  reason: string;
  command: string;
  /** Take over a lock held by someone else (whose deploy died). */
  force: boolean;
}

export function defaultRun(command = "slipway up"): DeployRun {
  return { who: `${userInfo().username}@${hostname()}`, reason: command, command, force: false };
}

/** The release to bring in: its id, how to run it and the composition label recorded on it. */
export interface RolloutTarget {
  release: string;
  run: RunParts;
  spec: string;
}

export interface RolloutResult {
  from: string | null;
  to: string;
  /** From starting the container to its health gate passing: the floor of any health-gated release. */
  healthyMs?: number;
  /** From taking the lock to the new release taking all new requests. */
  switchedMs?: number;
  ms: number;
}

/**
 * Takes the deploy lock and, in the same SSH round trip, lists the service's releases on the host (what
 * the rollout starts from, read only once the lock is held).
 */
async function lock(
  ssh: SshConnection,
  want: ReleaseInput,
  holder: LockHolder,
  force: boolean,
): Promise<HostRelease[]> {
  const take = asRoot(want.user, acquireLock(want.stack, want.service, holder, force));
  const list = asRoot(want.user, listReleases(want.stack, want.service, want.port));
  const result = await ssh.exec(`${take} && ${list}`);
  if (result.code === 0) return parseReleases(result.stdout);
  if (result.code !== LOCK_HELD) {
    await ssh.exec(asRoot(want.user, releaseLock(want.stack, want.service, holder))).catch(() => {});
    throw new Error(`${ssh.target.name}: taking the deploy lock failed: ${result.stderr.trim()}`);
  }
  const other = parseHolder(result.stdout);
  if (!force && other && isAbandoned(other, holder, processAlive)) {
    return lock(ssh, want, holder, true);
  }
  const by = other
    ? `${other.who} (${other.command}, since ${other.since}${other.reason ? `, reason: ${other.reason}` : ""})`
    : "an unknown holder";
  // The way out goes in the message itself: apply reports a failed step by its message alone.
  throw new UserError(
    `${want.service} on ${ssh.target.name} is being deployed by ${by}; wait for it to finish, or if it died take the lock over with: slipway deploy ${want.service} --force`,
  );
}

async function audit(ssh: SshConnection, want: ReleaseInput, entry: AuditEntry): Promise<void> {
  await ssh.exec(asRoot(want.user, appendAudit(want.stack)), { stdin: auditLine(entry) });
}

async function failWithLogs(
  ssh: SshConnection,
  want: ReleaseInput,
  name: string,
  why: string,
): Promise<never> {
  const logs = await ssh.exec(asRoot(want.user, ["docker", "logs", "--tail", "30", name]));
  await ssh.exec(asRoot(want.user, removeContainer(name)));
  const output = `${logs.stdout}${logs.stderr}`.trim();
  throw new UserError(
    `${want.service} release ${name.slice(want.stack.length + want.service.length + 2)} on ${ssh.target.name} ${why}; the previous release keeps serving.` +
      (output ? `\nLast log lines of ${name}:\n${output}` : ""),
  );
}

/** Starts the target on `slot`: reuses its stopped container when it sits on that slot, else runs it anew. */
async function start(
  ssh: SshConnection,
  want: ReleaseInput,
  target: RolloutTarget,
  existing: HostRelease | undefined,
  slot: number | undefined,
  first?: string,
) {
  const name = containerName(want.stack, want.service, target.release);
  const then = (argv: Argv) => (first ? `${first} && ${asRoot(want.user, argv)}` : asRoot(want.user, argv));
  if (existing && !existing.running && slotOf(existing) === (slot ?? null)) {
    await ssh.run(then(["docker", "start", name]), `starting ${name}`);
    return;
  }
  if (existing) await ssh.run(asRoot(want.user, removeContainer(name)), `removing the old ${name}`);
  const spec = {
    ...target.run,
    stack: want.stack,
    service: want.service,
    release: target.release,
    hostPort: slot,
    network: stackNetwork(want.stack),
    spec: target.spec,
  };
  await ssh.run(then(runRelease(spec)), `starting ${name}`);
}

async function gate(ssh: SshConnection, want: ReleaseInput, name: string): Promise<void> {
  let address: string | null = null;
  if (want.port !== undefined) {
    const ip = await ssh.run(
      asRoot(want.user, containerAddress(name, stackNetwork(want.stack))),
      "finding the release's address",
    );
    if (!ip.trim()) await failWithLogs(ssh, want, name, "has no address on the stack network (did it exit?)");
    address = `${ip.trim()}:${want.port}`;
  }
  const probe = healthProbe(name, address, want.healthcheck);
  const health = await ssh.exec(asRoot(want.user, waitHealthy(probe, want.healthcheck)));
  if (health.code !== 0) {
    await failWithLogs(ssh, want, name, `did not pass its health check: ${health.stderr.trim()}`);
  }
}

async function preDeploy(ssh: SshConnection, want: ReleaseInput, target: RolloutTarget): Promise<void> {
  const hook = want.hooks.preDeploy;
  if (!hook) return;
  const spec = {
    ...target.run,
    stack: want.stack,
    service: want.service,
    release: target.release,
    network: stackNetwork(want.stack),
    spec: target.spec,
  };
  const result = await ssh.exec(asRoot(want.user, runHook(spec, hook)), { timeoutMs: 30 * 60_000 });
  if (result.code === 0) return;
  const output = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-30).join("\n");
  throw new UserError(
    `${want.service}: the preDeploy hook (${hook.join(" ")}) exited with ${result.code} on ${ssh.target.name}; release ${target.release} was not started and the previous release keeps serving.` +
      (output ? `\nIts last output:\n${output}` : ""),
  );
}

async function retire(ssh: SshConnection, want: ReleaseInput, current: string): Promise<void> {
  const releases = await hostReleases(ssh, want);
  const old = releases.filter((r) => r.name !== current && r.running);
  const drainSeconds = Math.ceil(want.drain / 1000);
  // The old slot is closed; one health interval later Caddy has stopped picking it for new requests.
  if (old.length > 0) await sleep(Math.min(want.drain, SLOT_SETTLE_MS));
  await Promise.all(
    old.map((r) =>
      ssh.run(asRoot(want.user, stopRelease(r.name, drainSeconds)), `stopping ${r.name}`, {
        timeoutMs: want.drain + 60_000,
      }),
    ),
  );
  const stale = releases.filter((r) => r.name !== current).slice(Math.max(want.keepReleases - 1, 0));
  for (const r of stale) {
    await ssh.exec(asRoot(want.user, removeContainer(r.name)));
    await ssh.exec(asRoot(want.user, ["rm", "-f", envFilePath(want.stack, want.service, r.release)]));
  }
}

/**
 * The target already runs: a deploy that changes nothing, or one killed mid-switch. Whatever the kill
 * left undone is finished: the release must pass its gate, its route exist, its slot be open, and the
 * releases it replaced be drained and stopped.
 */
async function finishSwitch(
  ssh: SshConnection,
  want: ReleaseInput,
  releases: readonly HostRelease[],
  serving: HostRelease,
  slots: [number, number] | null,
): Promise<void> {
  const others = releases.filter((r) => r.running && r.name !== serving.name);
  const closed = slots ? await closedSlots(ssh, want) : [];
  const servingSlot = slotOf(serving);
  const slotClosed = servingSlot !== null && closed.includes(servingSlot);
  if (slotClosed || others.length > 0) await gate(ssh, want, serving.name);
  if (slots && want.domains.length > 0) await ensureRoute(ssh, want, slots);
  if (!slots || servingSlot === null) {
    if (others.length > 0) await retire(ssh, want, serving.name);
    return;
  }
  const chain = slotChain(want.stack, want.service);
  if (slotClosed) await ssh.run(asRoot(want.user, closeSlots(chain, [])), "opening the serving slot");
  const otherSlots = slots.filter((p) => p !== servingSlot);
  if (others.length > 0) {
    if (slotClosed) await sleep(SLOT_SETTLE_MS);
    await ssh.run(asRoot(want.user, closeSlots(chain, otherSlots)), "closing the old slot");
    await retire(ssh, want, serving.name);
  }
}

export async function rollout(
  ssh: SshConnection,
  want: ReleaseInput,
  target: RolloutTarget,
  action: "deploy" | "rollback",
  run: DeployRun,
): Promise<RolloutResult> {
  const started = Date.now();
  const holder: LockHolder = {
    who: run.who,
    since: new Date().toISOString(),
    reason: run.reason,
    command: run.command,
    pid: process.pid,
  };
  const releases = await lock(ssh, want, holder, run.force);
  const name = containerName(want.stack, want.service, target.release);
  let from: string | null = null;
  const times: { healthyMs?: number; switchedMs?: number } = {};
  try {
    const serving = servingRelease(releases);
    from = serving?.release ?? null;
    const network = asRoot(want.user, ensureNetwork(stackNetwork(want.stack)));
    let slots: [number, number] | null = null;
    if (want.port === undefined) await ssh.run(network, "creating the stack network");
    else slots = await serviceSlots(ssh, want, network);
    const chain = slotChain(want.stack, want.service);
    const oldSlot = serving ? slotOf(serving) : null;
    const newSlot = slots ? (oldSlot === slots[0] ? slots[1] : slots[0]) : undefined;
    if (serving?.name === name) {
      await finishSwitch(ssh, want, releases, serving, slots);
      return { from, to: target.release, ms: Date.now() - started };
    }
    // Closed before anything listens on it: Caddy must not see the new release before the gate passes.
    // Without a hook to run first, closing shares the start's SSH round trip (a local iptables call).
    const close = newSlot === undefined ? undefined : asRoot(want.user, closeSlots(chain, [newSlot]));
    if (close && want.hooks.preDeploy) await ssh.run(close, "closing the new slot");
    await preDeploy(ssh, want, target);
    const starting = Date.now();
    const existing = releases.find((r) => r.name === name);
    await start(ssh, want, target, existing, newSlot, want.hooks.preDeploy ? undefined : close);
    // The route lists both slots and the new one is still closed, so it is checked while the gate waits.
    const route =
      slots && newSlot !== undefined && want.domains.length > 0
        ? ensureRoute(ssh, want, slots).then(
            () => null,
            (error: unknown) => error,
          )
        : Promise.resolve(null);
    await gate(ssh, want, name);
    times.healthyMs = Date.now() - starting;
    const routeError = await route;
    if (routeError) throw routeError;
    if (slots && newSlot !== undefined) {
      await ssh.run(asRoot(want.user, closeSlots(chain, [])), "opening the new slot");
      if (oldSlot !== null && oldSlot !== newSlot) {
        // Both serve for one health interval, until Caddy has seen the new slot pass.
        await sleep(SLOT_SETTLE_MS);
        await ssh.run(asRoot(want.user, closeSlots(chain, [oldSlot])), "closing the old slot");
      }
    }
    times.switchedMs = Date.now() - started;
    if (want.hooks.postDeploy) {
      const hook = await ssh.exec(asRoot(want.user, ["docker", "exec", name, ...want.hooks.postDeploy]));
      if (hook.code !== 0) {
        throw new UserError(
          `${want.service}: release ${target.release} serves on ${ssh.target.name}, but its postDeploy hook (${want.hooks.postDeploy.join(" ")}) exited with ${hook.code}:\n${`${hook.stdout}${hook.stderr}`.trim()}`,
        );
      }
    }
    await retire(ssh, want, name);
    const ms = Date.now() - started;
    await audit(ssh, want, {
      ...auditEntry(want, ssh, run, action, from, target.release, ms),
      result: "ok",
      ...times,
    });
    return { from, to: target.release, ...times, ms };
  } catch (error) {
    const ms = Date.now() - started;
    await audit(ssh, want, {
      ...auditEntry(want, ssh, run, action, from, target.release, ms),
      result: "failed",
      error: errorMessage(error).split("\n")[0],
      ...times,
    }).catch(() => {});
    throw error;
  } finally {
    await ssh.exec(asRoot(want.user, releaseLock(want.stack, want.service, holder))).catch(() => {});
  }
}

/** The audit entry of a release of `want.service` on this host, but for its result. */
export function auditEntry(
  want: { service: string },
  ssh: SshConnection,
  run: DeployRun,
  action: "deploy" | "rollback",
  from: string | null,
  to: string,
  ms: number,
): Omit<AuditEntry, "result"> {
  return {
    at: new Date().toISOString(),
    who: run.who,
    action,
    service: want.service,
    server: ssh.target.name,
    from,
    to,
    reason: run.reason,
    ms,
  };
}
