/**
 * host.docker: the Docker engine on a server, installed from the distribution's packages (docker.io)
 * when missing and running, with slipway's settings in /etc/docker/daemon.json: container logs rotated
 * (json-file with size and count limits, so logs cannot fill the disk) and live-restore, so restarting
 * the engine (an upgrade) leaves containers running. Keys slipway does not manage are kept as they are.
 * Live-restore is off for Swarm hosts: Docker refuses it in swarm mode. Creating it first waits for
 * cloud-init to finish, since cloud-init may still hold the apt lock or be creating the deploy user.
 */
import { type Change, change, type ResourceKind } from "../engine/resource.ts";
import { asRoot, type HostConnector, type HostRef } from "./connector.ts";
import {
  decodeFile,
  emitFile,
  HAS_SYSTEMD,
  parseProbe,
  rootScript,
  serviceAction,
  writeFile,
} from "./shell.ts";

export interface DockerDaemonSettings {
  logMaxSize: string;
  logMaxFile: number;
  liveRestore: boolean;
}

export interface DockerEngineInput extends HostRef {
  daemon: DockerDaemonSettings;
}

export interface ObservedDockerEngine {
  server: string;
  user?: string;
  version: string | null;
  /** The managed keys as daemon.json has them (absent keys are null). */
  daemon?: Record<string, unknown>;
  /** daemon.json could not be parsed: slipway will not overwrite what it cannot read. */
  daemonError?: string;
}

type Ctx = { hosts: HostConnector };

export const DAEMON_JSON = "/etc/docker/daemon.json";
export const DEFAULT_DOCKER_DAEMON: DockerDaemonSettings = {
  logMaxSize: "10m",
  logMaxFile: 3,
  liveRestore: true,
};

export const WAIT_FOR_CLOUD_INIT =
  "for i in $(seq 1 600); do test -e /var/lib/cloud/instance/boot-finished && exit 0; sleep 0.5; done; " +
  "echo 'cloud-init did not finish within 5 minutes' >&2; exit 1";
export const INSTALL_DOCKER = [
  "set -e",
  "export DEBIAN_FRONTEND=noninteractive",
  "apt-get update -q",
  "apt-get install -y -q --no-install-recommends docker.io",
  "if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl enable --now docker; fi",
].join("; ");

/** The daemon.json keys slipway manages, with their wanted values. */
export function managedDaemonKeys(settings: DockerDaemonSettings): Record<string, unknown> {
  return {
    "log-driver": "json-file",
    "log-opts": { "max-size": settings.logMaxSize, "max-file": String(settings.logMaxFile) },
    "live-restore": settings.liveRestore,
  };
}

/** daemon.json with the managed keys set and every other key kept. Throws on a file that is not JSON. */
export function mergeDaemonJson(current: string | null, settings: DockerDaemonSettings): string {
  const parsed: unknown = current?.trim() ? JSON.parse(current) : {};
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${DAEMON_JSON} is not a JSON object`);
  }
  return `${JSON.stringify({ ...parsed, ...managedDaemonKeys(settings) }, null, 2)}\n`;
}

export function observedDaemon(
  content: string | null,
): { daemon: Record<string, unknown> } | { error: string } {
  try {
    const parsed = content?.trim() ? (JSON.parse(content) as Record<string, unknown>) : {};
    const keys = Object.keys(managedDaemonKeys(DEFAULT_DOCKER_DAEMON));
    return { daemon: Object.fromEntries(keys.map((k) => [k, parsed[k] ?? null])) };
  } catch (error) {
    return { error: `${DAEMON_JSON} is not valid JSON: ${(error as Error).message}` };
  }
}

const PROBE = [
  "printf 'version=%s\\n' \"$(docker version --format '{{.Server.Version}}' 2>/dev/null)\"",
  emitFile("daemon", DAEMON_JSON),
].join("\n");

async function probeFull(
  ctx: Ctx,
  want: HostRef,
): Promise<(ObservedDockerEngine & { raw: string | null }) | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const fields = parseProbe(await ssh.run(asRoot(want.user, rootScript(PROBE)), "probing Docker"));
  const raw = decodeFile(fields, "daemon");
  const daemon = observedDaemon(raw);
  return {
    server: want.server,
    user: want.user,
    version: fields.get("version") || null,
    ...("daemon" in daemon ? { daemon: daemon.daemon } : { daemonError: daemon.error }),
    raw,
  };
}

async function probe(ctx: Ctx, want: HostRef): Promise<ObservedDockerEngine | null> {
  const full = await probeFull(ctx, want);
  if (!full) return null;
  const { raw: _raw, ...observed } = full;
  return observed;
}

export function diffDockerEngine(want: DockerEngineInput, have: ObservedDockerEngine): Change[] {
  const managed = managedDaemonKeys(want.daemon);
  return [
    ...change("running", have.version !== null, true),
    ...Object.entries(managed).flatMap(([key, value]) =>
      change(`daemon.json ${key}`, have.daemon?.[key] ?? null, value),
    ),
  ];
}

const WAIT_FOR_DOCKER = [
  "for i in $(seq 1 120); do docker info >/dev/null 2>&1 && exit 0; sleep 0.25; done",
  "echo 'Docker did not answer within 30 s of restarting' >&2; exit 1",
].join("\n");

/**
 * Applies a new daemon.json. live-restore is one of the settings dockerd reloads on SIGHUP, so it is
 * switched on first, by a reload: the restart that log settings need then leaves containers running.
 * A change of live-restore alone needs no restart at all.
 */
export function applyDaemonJson(content: string, restart: boolean): string {
  return [
    writeFile(DAEMON_JSON, content),
    `if ${HAS_SYSTEMD}; then systemctl reload docker; else kill -HUP "$(cat /var/run/docker.pid)"; fi`,
    ...(restart ? ["sleep 1", serviceAction("restart", "docker"), WAIT_FOR_DOCKER] : []),
  ].join("\n");
}

export const dockerEngine: ResourceKind<DockerEngineInput, ObservedDockerEngine, Ctx> = {
  kind: "host.docker",
  id: (engine) => engine.server,
  read: (ctx, _id, want) => probe(ctx, want),
  find: (ctx, want) => probe(ctx, want),
  diff: diffDockerEngine,
  describe: (want) => ({
    server: want.server,
    package: "docker.io",
    "log rotation": `${want.daemon.logMaxFile} × ${want.daemon.logMaxSize}`,
    "live-restore": want.daemon.liveRestore,
  }),

  create: (ctx, want) =>
    ctx.hosts.exclusive(want, async () => {
      const ssh = await ctx.hosts.connect(want);
      await ssh.run(WAIT_FOR_CLOUD_INIT, "waiting for cloud-init to finish");
      let current = await probeFull(ctx, want);
      if (!current?.version) {
        await ssh.run(asRoot(want.user, ["sh", "-c", INSTALL_DOCKER]), "installing Docker", {
          timeoutMs: 15 * 60_000,
        });
        current = await probeFull(ctx, want);
        if (!current?.version) throw new Error(`Docker was installed on ${want.server} but does not answer`);
      }
      if (diffDockerEngine(want, current).length > 0) {
        if (current.daemonError)
          throw new Error(`${ssh.target.name}: ${current.daemonError}; fix or remove it`);
        const restart = diffDockerEngine(want, current).some((c) => c.path.startsWith("daemon.json log-"));
        const script = applyDaemonJson(mergeDaemonJson(current.raw, want.daemon), restart);
        await ssh.run(asRoot(want.user, rootScript(script)), "configuring Docker");
      }
      const done = await probe(ctx, want);
      if (!done?.version) throw new Error(`Docker on ${want.server} does not answer after configuring it`);
      return done;
    }),

  update: (ctx, _have, want) => dockerEngine.create(ctx, want),

  // Docker stays when a stack stops using a server's engine: removing it could break what else runs there.
  async delete() {},
};
