/**
 * docker argv for Swarm services and their gateways. Pure: nothing here runs a process.
 */
import type { Argv } from "../../util/shell.ts";
import { GATEWAY_PORT, gatewayName } from "./compose.ts";

export const LABEL_GATEWAY = "dev.slipway.gateway";
export const GATEWAY_DIR = "/etc/slipway/gateway";

/** Creates the stack's attachable overlay network unless it exists (on a manager). */
export function ensureOverlay(network: string): Argv {
  const script =
    'docker network inspect "$1" >/dev/null 2>&1 || docker network create --driver overlay --attachable "$1" >/dev/null';
  return ["sh", "-c", script, "ensure-overlay", network];
}

/** The service as Swarm holds it, as JSON; exits non-zero when there is no such service. */
export function inspectService(name: string): Argv {
  return ["docker", "service", "inspect", "--format", "{{json .}}", name];
}

/** Its tasks, one JSON object a line (id, desired and current state, error). */
export function serviceTasks(name: string): Argv {
  return ["docker", "service", "ps", "--no-trunc", "--format", "{{json .}}", name];
}

export function stackDeploy(stack: string, composePath: string): Argv {
  // --with-registry-auth hands the manager's registry login to the nodes that pull the image.
  return ["docker", "stack", "deploy", "--with-registry-auth", "--compose-file", composePath, stack];
}

/** Removes the secrets of a service except those named in `keep` (Docker refuses while in use). */
export function pruneSecrets(prefix: string, keep: readonly string[]): Argv {
  const script = [
    "prefix=$1; shift",
    'docker secret ls --format "{{.Name}}" | while read -r name; do',
    '  case "$name" in "$prefix"*) ;; *) continue ;; esac',
    '  for k in "$@"; do [ "$k" = "$name" ] && continue 2; done',
    '  docker secret rm "$name" >/dev/null 2>&1 || true',
    "done",
  ].join("\n");
  return ["sh", "-c", script, "prune-secrets", prefix, ...keep];
}

export function gatewayConfigPath(stack: string, service: string): string {
  return `${GATEWAY_DIR}/${gatewayName(stack, service)}.json`;
}

/** Running state and config hash of the gateway ("true abc123"), or nothing when it does not exist. */
export function inspectGateway(stack: string, service: string): Argv {
  const format = `{{.State.Running}} {{index .Config.Labels "${LABEL_GATEWAY}"}}`;
  return [
    "sh",
    "-c",
    'docker inspect --format "$2" "$1" 2>/dev/null || true',
    "inspect-gateway",
    gatewayName(stack, service),
    format,
  ];
}

/** (Re)starts the gateway: the proxy image on the overlay network, published on a loopback port only. */
export function runGateway(spec: {
  stack: string;
  service: string;
  image: string;
  network: string;
  hostPort: number;
  configHash: string;
}): Argv {
  const name = gatewayName(spec.stack, spec.service);
  const config = gatewayConfigPath(spec.stack, spec.service);
  // biome-ignore format: one flag and its value per line
  const run = [
    "docker", "run", "--detach",
    "--name", name,
    "--network", spec.network,
    "--restart", "unless-stopped",
    "--publish", `127.0.0.1:${spec.hostPort}:${GATEWAY_PORT}`,
    "--volume", `${config}:/etc/slipway-gateway.json:ro`,
    "--label", `${LABEL_GATEWAY}=${spec.configHash}`,
    "--log-opt", "max-size=10m",
    "--log-opt", "max-file=3",
    spec.image,
    "caddy", "run", "--config", "/etc/slipway-gateway.json",
  ];
  return ["sh", "-c", 'docker rm -f "$1" >/dev/null 2>&1; shift; exec "$@"', "run-gateway", name, ...run];
}

export function removeGateway(stack: string, service: string): Argv {
  const script = 'docker rm -f "$1" >/dev/null 2>&1; rm -f "$2"; true';
  return [
    "sh",
    "-c",
    script,
    "remove-gateway",
    gatewayName(stack, service),
    gatewayConfigPath(stack, service),
  ];
}
