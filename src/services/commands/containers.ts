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
    ...(spec.port === undefined ? [] : ["--publish", `127.0.0.1::${spec.port}`]),
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
