/**
 * docker argv for the proxy and for releases of services. Pure: nothing here runs a process.
 * A release is a container named `<stack>-<service>-<release>`, labelled so the host itself says which
 * releases exist and how to run each again (rollback); the app port is published on one of the
 * service's slot ports on 127.0.0.1 only, so it is reachable by Caddy on the host and never past the
 * firewall. Releases join the stack's private Docker network, where accessories are.
 */
import type { Argv } from "../../util/shell.ts";

export const LABEL_STACK = "dev.slipway.stack";
export const LABEL_SERVICE = "dev.slipway.service";
export const LABEL_RELEASE = "dev.slipway.release";
/** What the release was made of, so a plan can say what changed: image, port, command, env. */
export const LABEL_SPEC = "dev.slipway.spec";
/** How to run the release again (image, port, command, env file, limits), for a rollback. */
export const LABEL_RUN = "dev.slipway.run";
export const PROXY_CONTAINER = "slipway-proxy";
export const SLIPWAY_DIR = "/etc/slipway";

/** What runs a release; recorded in its LABEL_RUN so a rollback can run it again as it was. */
export interface RunParts {
  image: string;
  port?: number;
  envFile: string;
  command?: readonly string[];
  memory?: number;
  cpus?: number;
  runAs?: string;
}

export interface ReleaseSpec extends RunParts {
  stack: string;
  service: string;
  release: string;
  /** The slot port the app port is published on (see slots.ts). */
  hostPort?: number;
  /** The stack's private Docker network. */
  network: string;
  /** JSON of what the release is made of (secret values hashed), stored as a label. */
  spec: string;
}

export function stackNetwork(stack: string): string {
  return `slipway-${stack}`;
}

/**
 * Creates the stack network unless it exists, under a host-wide lock: Docker accepts two networks of
 * the same name, and two releases or accessories starting at once would otherwise both create one.
 */
export function ensureNetwork(name: string): Argv {
  const script =
    "mkdir -p /run/lock && exec 9>/run/lock/slipway-network.lock && flock 9 && " +
    '{ docker network inspect "$1" >/dev/null 2>&1 || docker network create "$1" >/dev/null; }';
  return ["sh", "-c", script, "ensure-network", name];
}

/** Writes stdin to `path`, readable by root only: secrets travel on stdin, never in a command line. */
export function writePrivateFile(path: string): Argv {
  return ["sh", "-c", 'umask 077 && cat > "$1"', "write-private-file", path];
}

export function runParts(spec: RunParts): RunParts {
  const { image, port, envFile, command, memory, cpus, runAs } = spec;
  return { image, port, envFile, command, memory, cpus, runAs };
}

export function containerName(stack: string, service: string, release: string): string {
  return `${stack}-${service}-${release}`;
}

export function envFilePath(stack: string, service: string, release: string): string {
  return `${SLIPWAY_DIR}/env/${containerName(stack, service, release)}.env`;
}

export function runRelease(spec: ReleaseSpec): Argv {
  // biome-ignore format: one flag and its value per line
  return [
    "docker", "run", "--detach",
    // An init as PID 1 forwards SIGTERM: a bare app as PID 1 ignores it and every stop waits the full drain.
    "--init",
    "--name", containerName(spec.stack, spec.service, spec.release),
    "--network", spec.network,
    "--restart", "unless-stopped",
    ...(spec.port === undefined || spec.hostPort === undefined ? [] : ["--publish", `127.0.0.1:${spec.hostPort}:${spec.port}`]),
    "--env-file", spec.envFile,
    "--label", `${LABEL_STACK}=${spec.stack}`,
    "--label", `${LABEL_SERVICE}=${spec.service}`,
    "--label", `${LABEL_RELEASE}=${spec.release}`,
    "--label", `${LABEL_SPEC}=${spec.spec}`,
    "--label", `${LABEL_RUN}=${JSON.stringify(runParts(spec))}`,
    "--log-opt", "max-size=10m",
    "--log-opt", "max-file=3",
    ...(spec.memory === undefined ? [] : ["--memory", `${spec.memory}m`]),
    ...(spec.cpus === undefined ? [] : ["--cpus", String(spec.cpus)]),
    ...(spec.runAs === undefined ? [] : ["--user", spec.runAs]),
    spec.image,
    ...(spec.command ?? []),
  ];
}

/**
 * Lists this service's release containers, one line each, tab-separated: name, published host port of
 * the app port (empty if none), labels as JSON, running, created. One SSH round trip for the whole list.
 */
export function listReleases(stack: string, service: string, port: number | undefined): Argv {
  // One `docker inspect` for all of them: a docker CLI call per container cost a deploy ~0.1 s each.
  const hostPort =
    '{{with index .NetworkSettings.Ports \\"$3/tcp\\"}}{{with index . 0}}{{.HostIp}}:{{.HostPort}}{{end}}{{end}}';
  const script = [
    // A host whose Docker is not installed yet (a run killed before it was) has no releases.
    "command -v docker >/dev/null || exit 0",
    `ids=$(docker ps --all --quiet --filter "label=${LABEL_STACK}=$1" --filter "label=${LABEL_SERVICE}=$2")`,
    '[ -z "$ids" ] && exit 0',
    `docker inspect --format "{{.Name}}\t${hostPort}\t{{json .Config.Labels}}\t{{.State.Running}}\t{{.Created}}" $ids | sed 's|^/||'`,
  ].join("\n");
  return ["sh", "-c", script, "list-releases", stack, service, String(port ?? 0)];
}

/** Gives in-flight requests `drainSeconds` to finish before SIGKILL. */
export function stopRelease(name: string, drainSeconds: number): Argv {
  return ["docker", "stop", "--time", String(drainSeconds), name];
}

/**
 * A hook: the command in a one-off container of the release's image, with its env and network, so a
 * migration sees exactly what the release will see. Removed when it ends.
 */
export function runHook(spec: ReleaseSpec, argv: readonly string[]): Argv {
  // biome-ignore format: one flag and its value per line
  return [
    "docker", "run", "--rm", "--init",
    "--network", spec.network,
    "--env-file", spec.envFile,
    "--label", `${LABEL_STACK}=${spec.stack}`,
    ...(spec.runAs === undefined ? [] : ["--user", spec.runAs]),
    spec.image,
    ...argv,
  ];
}

/** The container's address on the stack network, where the health gate probes it directly. */
export function containerAddress(name: string, network: string): Argv {
  return [
    "docker",
    "inspect",
    "--format",
    `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
    name,
  ];
}

export function removeContainer(name: string): Argv {
  return ["docker", "rm", "--force", name];
}

export function runProxy(image: string): Argv {
  // biome-ignore format: one flag and its value per line
  return [
    "docker", "run", "--detach",
    "--name", PROXY_CONTAINER,
    "--network", "host",
    "--restart", "unless-stopped",
    "--volume", "slipway-caddy-data:/data",
    "--volume", "slipway-caddy-config:/config",
    "--volume", `${SLIPWAY_DIR}/proxy:${SLIPWAY_DIR}/proxy:ro`,
    "--log-opt", "max-size=10m",
    "--log-opt", "max-file=3",
    image,
    // --resume: after a restart Caddy comes back with the last config it was given over the API.
    "caddy", "run", "--resume",
  ];
}
