/**
 * docker argv for the proxy and for releases of services. Pure: nothing here runs a process.
 * A release is a container named `<stack>-<service>-<release>`, labelled so the host itself says which
 * releases exist; the app port is published on 127.0.0.1 only, so it is reachable by Caddy on the host
 * and never past the firewall.
 */
import type { Argv } from "../../util/shell.ts";

export const LABEL_STACK = "dev.slipway.stack";
export const LABEL_SERVICE = "dev.slipway.service";
export const LABEL_RELEASE = "dev.slipway.release";
/** What the release was made of, so a plan can say what changed: image, port, command, env. */
export const LABEL_SPEC = "dev.slipway.spec";
export const PROXY_CONTAINER = "slipway-proxy";
export const SLIPWAY_DIR = "/etc/slipway";

export interface ReleaseSpec {
  stack: string;
  service: string;
  release: string;
  image: string;
  port?: number;
  /** The fixed loopback port the app port is published on (see pickHostPort). */
  hostPort?: number;
  envFile: string;
  command?: readonly string[];
  /** JSON of what the release is made of (secret values hashed), stored as a label. */
  spec: string;
  memory?: number;
  cpus?: number;
  runAs?: string;
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
    "--restart", "unless-stopped",
    ...(spec.port === undefined || spec.hostPort === undefined ? [] : ["--publish", `127.0.0.1:${spec.hostPort}:${spec.port}`]),
    "--env-file", spec.envFile,
    "--label", `${LABEL_STACK}=${spec.stack}`,
    "--label", `${LABEL_SERVICE}=${spec.service}`,
    "--label", `${LABEL_RELEASE}=${spec.release}`,
    "--label", `${LABEL_SPEC}=${spec.spec}`,
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
  const script =
    `docker ps --all --filter "label=${LABEL_STACK}=$1" --filter "label=${LABEL_SERVICE}=$2" --format '{{.Names}}' | ` +
    `while read -r name; do printf '%s\\t%s\\t%s\\n' "$name" "$(docker port "$name" "$3/tcp" 2>/dev/null | head -n1)" ` +
    `"$(docker inspect --format '{{json .Config.Labels}}	{{.State.Running}}	{{.Created}}' "$name")"; done`;
  return ["sh", "-c", script, "list-releases", stack, service, String(port ?? 0)];
}

export const HOST_PORTS = { first: 20000, last: 29999 } as const;

/** Where the search for a release's host port starts: spread by name, so releases rarely collide. */
export function hostPortSeed(container: string): number {
  let hash = 0;
  for (const char of container) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return HOST_PORTS.first + (hash % (HOST_PORTS.last - HOST_PORTS.first + 1));
}

/**
 * Prints the first loopback port from `seed` on that nothing listens on and no container (running or
 * stopped) has reserved. A fixed port, unlike Docker's ephemeral one, survives a restart of the
 * container or the host, so Caddy's route stays right after a reboot.
 */
export function pickHostPort(seed: number): Argv {
  const script = [
    "used=$( { ss -ltnH 2>/dev/null | awk '{print $4}' | sed 's/.*://';",
    "  docker ps -aq | xargs -r docker inspect --format '{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostPort}} {{end}}{{end}}'; } |",
    "  tr ' ' '\\n' | grep -E '^[0-9]+$' | sort -u)",
    "port=$1; tries=0",
    'while printf "%s\\n" "$used" | grep -qx "$port"; do',
    `  port=$((port + 1)); [ "$port" -gt ${HOST_PORTS.last} ] && port=${HOST_PORTS.first}`,
    `  tries=$((tries + 1)); [ "$tries" -gt ${HOST_PORTS.last - HOST_PORTS.first} ] && { echo "no free port" >&2; exit 1; }`,
    "done",
    'echo "$port"',
  ].join("\n");
  return ["sh", "-c", script, "pick-host-port", String(seed)];
}

/** Gives in-flight requests `drainSeconds` to finish before SIGKILL. */
export function stopRelease(name: string, drainSeconds: number): Argv {
  return ["docker", "stop", "--time", String(drainSeconds), name];
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
