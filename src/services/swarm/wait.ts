/**
 * Waiting for Swarm: after `docker stack deploy` returns, Swarm only starts the work. A deploy has
 * ended well when every task Swarm wants running carries the new release and is running (healthy, for
 * a service with a health check); it has failed when Swarm rolled the spec back or paused the update.
 * The reading is pure; the loop polls the manager once a second.
 */
import { asRoot, type HostRef } from "../../hosts/connector.ts";
import type { SshConnection } from "../../hosts/ssh.ts";
import type { Argv } from "../../util/shell.ts";
import { sleep } from "../../util/wait.ts";
import { inspectService } from "./commands.ts";
import { LABEL_SWARM_RELEASE, swarmServiceName } from "./compose.ts";

/** The parts of `docker service inspect` read here. */
interface SwarmSpec {
  Labels?: Record<string, string>;
  Mode?: { Replicated?: { Replicas?: number } };
  TaskTemplate?: { ContainerSpec?: { Secrets?: { SecretName: string }[] } };
}

export interface SwarmService {
  Spec: SwarmSpec;
  PreviousSpec?: SwarmSpec;
  UpdateStatus?: { State?: string; StartedAt?: string; Message?: string };
}

export interface SwarmTask {
  release: string;
  /** Docker's task state: "starting" until healthy, then "running"; "failed", "rejected", ... */
  state: string;
}

export type SwarmOutcome =
  | { kind: "waiting"; why: string }
  | { kind: "ok" }
  | { kind: "failed"; detail: string };

/** The tasks Swarm wants running, with the release label of their container and their state. */
export function runningTasks(name: string): Argv {
  const script = [
    'ids=$(docker service ps -q --filter desired-state=running "$1")',
    '[ -z "$ids" ] && exit 0',
    `docker inspect --format '{{index .Spec.ContainerSpec.Labels "${LABEL_SWARM_RELEASE}"}} {{.Status.State}}' $ids`,
  ].join("\n");
  return ["sh", "-c", script, "running-tasks", name];
}

export function parseTasks(output: string): SwarmTask[] {
  return output
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const [release = "", state = ""] = l.trim().split(/\s+/);
      return { release, state };
    });
}

const BUSY = new Set(["updating", "rollback_started"]);

/** Where a deploy of `release` stands, from the service and its tasks. */
export function swarmOutcome(
  service: SwarmService,
  tasks: readonly SwarmTask[],
  release: string,
  startedBefore: string | undefined,
): SwarmOutcome {
  const status = service.UpdateStatus;
  const state = status?.State ?? "";
  if (BUSY.has(state)) return { kind: "waiting", why: `update ${state}` };
  const specRelease = service.Spec.Labels?.[LABEL_SWARM_RELEASE];
  const fresh = status?.StartedAt !== undefined && status.StartedAt !== startedBefore;
  if (specRelease !== release || (fresh && state.includes("paused"))) {
    return { kind: "failed", detail: `Swarm says: ${status?.Message ?? state ?? "rolled back"}` };
  }
  const replicas = service.Spec.Mode?.Replicated?.Replicas ?? tasks.length;
  const ready = tasks.filter((t) => t.release === release && t.state === "running").length;
  if (ready === replicas && tasks.length === replicas) return { kind: "ok" };
  return { kind: "waiting", why: `${ready} of ${replicas} tasks of ${release} running and healthy` };
}

/**
 * What went wrong with `release`: its tasks' states and errors, the last output of the health check
 * and the last log lines of its newest task, for the error message.
 */
export function failureReport(name: string, release: string): Argv {
  const task = `{{.ID}} {{index .Spec.ContainerSpec.Labels "${LABEL_SWARM_RELEASE}"}} {{.Status.ContainerStatus.ContainerID}} {{.Status.State}} {{.Status.Err}}`;
  const script = [
    "name=$1; release=$2; format=$3; out=$(mktemp); trap 'rm -f \"$out\"' EXIT",
    'for id in $(docker service ps -q "$name"); do docker inspect --format "$format" "$id"; done 2>/dev/null | awk -v r="$release" \'$2 == r\' > "$out"',
    'head -n 3 "$out" | while read -r id _ container state err; do [ -n "$state" ] && echo "task $id: $state $err"; done',
    // The newest of them that still has its container: its health check output and last log lines.
    'while read -r id _ container _; do [ -n "$container" ] && docker inspect "$container" >/dev/null 2>&1 && break; id=; done < "$out"',
    '[ -z "$id" ] && exit 0',
    'docker inspect --format "{{with .State.Health}}{{range .Log}}{{.Output}}{{end}}{{end}}" "$container" 2>/dev/null | grep . | tail -n 2 | sed "s/^/health check: /"',
    'echo "Last log lines of task $id:"; docker logs --tail 30 "$container" 2>&1',
    "true",
  ].join("\n");
  return ["sh", "-c", script, "failure-report", name, release, task];
}

/** The service as Swarm holds it, or null when there is none. */
export async function readSwarmService(
  ssh: SshConnection,
  want: HostRef & { stack: string; service: string },
): Promise<SwarmService | null> {
  const out = await ssh.exec(asRoot(want.user, inspectService(swarmServiceName(want.stack, want.service))));
  return out.code === 0 ? (JSON.parse(out.stdout) as SwarmService) : null;
}

/** The tasks Swarm wants running, with their release and state. */
export async function readTasks(
  ssh: SshConnection,
  want: HostRef & { stack: string; service: string },
): Promise<SwarmTask[]> {
  const argv = runningTasks(swarmServiceName(want.stack, want.service));
  return parseTasks(await ssh.run(asRoot(want.user, argv), "listing the tasks"));
}

/** Polls until the deploy of `release` ended, well or not, or `timeoutMs` passed. */
export async function waitForSwarm(
  ssh: SshConnection,
  want: HostRef & { stack: string; service: string },
  before: SwarmService | null,
  release: string,
  timeoutMs: number,
): Promise<Exclude<SwarmOutcome, { kind: "waiting" }>> {
  const name = swarmServiceName(want.stack, want.service);
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const service = await readSwarmService(ssh, want);
    if (!service) return { kind: "failed", detail: `the service ${name} is gone` };
    const tasks = await readTasks(ssh, want);
    const outcome = swarmOutcome(service, tasks, release, before?.UpdateStatus?.StartedAt);
    if (outcome.kind !== "waiting") return withReport(ssh, want.user, name, release, outcome);
    last = outcome.why;
    await sleep(1000);
  }
  return withReport(ssh, want.user, name, release, {
    kind: "failed",
    detail: `still not done after ${Math.round(timeoutMs / 1000)} s (${last})`,
  });
}

async function withReport(
  ssh: SshConnection,
  user: string,
  name: string,
  release: string,
  outcome: Exclude<SwarmOutcome, { kind: "waiting" }>,
): Promise<Exclude<SwarmOutcome, { kind: "waiting" }>> {
  if (outcome.kind === "ok") return outcome;
  const report = await ssh.exec(asRoot(user, failureReport(name, release)));
  return { kind: "failed", detail: `${outcome.detail}\n${report.stdout.trim()}`.trim() };
}

/** After `docker service rm`: waits (up to a minute) until no container of the service is left. */
export async function waitGone(ssh: SshConnection, user: string, name: string): Promise<void> {
  const filter = `label=com.docker.swarm.service.name=${name}`;
  for (let i = 0; i < 60; i++) {
    const left = await ssh.exec(asRoot(user, ["docker", "ps", "-aq", "--filter", filter]));
    if (left.code !== 0 || !left.stdout.trim()) return;
    await sleep(1000);
  }
}
