/**
 * What a `runtime: "swarm"` service is made of, as data: the compose file `docker stack deploy` reads,
 * its health check, the names Swarm gives things, and the gateway that carries Caddy's traffic onto
 * the swarm. Pure: nothing here runs a process.
 *
 * Why a gateway: Caddy runs on the host's network and cannot reach the swarm's overlay network, and the
 * ingress routing mesh (IPVS) is not available everywhere Docker runs. So tasks publish nothing; they
 * use DNS round robin (`endpoint_mode: dnsrr`) on the stack's overlay network, and a small Caddy on that
 * network, published on a fixed loopback port, resolves `tasks.<service>` every second. Swarm lists a
 * task in DNS only once its health check passes and takes it out before stopping it, so a start-first
 * update moves traffic with no failed request; the gateway retries a refused dial on another task.
 */
import { createHash } from "node:crypto";
import type { HealthCheck } from "../commands/health.ts";

export const LABEL_SWARM_RELEASE = "dev.slipway.release";
export const GATEWAY_PORT = 8080;

export interface SwarmComposeInput {
  stack: string;
  service: string;
  release: string;
  image: string;
  port?: number;
  env: Record<string, string>;
  /** Secret files by target name, with their values (written to files only for the deploy). */
  secrets: Record<string, string>;
  command?: string[];
  /** Swarm replicas in all. */
  replicas: number;
  healthcheck: HealthCheck;
  /** Milliseconds an old task gets to finish in-flight requests. */
  drain: number;
  memory?: number;
  cpus?: number;
  runAs?: string;
  /** "volume:/path" or "/host/path:/path" (":ro" allowed). */
  mounts: string[];
}

/** `docker stack deploy` namespace: the slipway stack. Services are `<stack>_<service>`. */
export function swarmServiceName(stack: string, service: string): string {
  return `${stack}_${service}`;
}

/** The stack's overlay network; attachable, so gateways (plain containers) can join it. */
export function swarmNetwork(stack: string): string {
  return `slipway-${stack}-swarm`;
}

export function gatewayName(stack: string, service: string): string {
  return `${stack}-${service}-gateway`;
}

/** Docker secrets cannot change, so each value gets a name of its own; the old one is removed after. */
export function secretName(stack: string, service: string, target: string, value: string): string {
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 10);
  return `${stack}_${service}_${target}_${hash}`;
}

const duration = (ms: number) => `${Math.max(Math.round(ms), 1)}ms`;

/**
 * The task's health check as Docker runs it, inside the container: the command when the stack gives
 * one, else a GET of the health path with curl, wget or, failing both, bash's /dev/tcp, so images that
 * carry neither tool (a Debian slim base) are still checked.
 */
export function swarmHealthTest(check: HealthCheck, port: number | undefined): string[] | null {
  if (check.command) return ["CMD", ...check.command];
  if (port === undefined) return null;
  const seconds = Math.max(Math.ceil(check.timeout / 1000), 1);
  const url = `http://127.0.0.1:${port}${check.path}`;
  const raw = `GET ${check.path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n`;
  const script = [
    `if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null --max-time ${seconds} '${url}'`,
    `elif command -v wget >/dev/null 2>&1; then wget -q -O /dev/null -T ${seconds} '${url}'`,
    `else bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && printf "${raw}" >&3 && head -n1 <&3 | grep -q " 2[0-9][0-9] "'; fi`,
  ].join("; ");
  return ["CMD-SHELL", script];
}

/**
 * Secret files belong to root. Read-only for the task's user when it is given by number, else readable
 * by all (Docker's own default), since a non-root image user could not read a root-only file.
 */
function secretOwner(runAs: string | undefined): { uid?: string; gid?: string; mode: number } {
  const ids = runAs?.match(/^(\d+)(?::(\d+))?$/);
  if (!ids) return { mode: 0o444 };
  return { uid: ids[1], gid: ids[2] ?? ids[1], mode: 0o400 };
}

/**
 * The compose document for one service (JSON is YAML, which `docker stack deploy -c` reads).
 * `serviceLabels` go on the service beside its release, e.g. what it is made of for the next plan.
 */
export function composeFile(
  input: SwarmComposeInput,
  secretFiles: Record<string, string>,
  serviceLabels: Record<string, string> = {},
): object {
  const check = input.healthcheck;
  const test = swarmHealthTest(check, input.port);
  const secrets = Object.entries(input.secrets).map(([target, value]) => ({
    key: `secret_${target.replace(/[^A-Za-z0-9_]/g, "_")}`,
    target,
    name: secretName(input.stack, input.service, target, value),
    file: secretFiles[target]!,
  }));
  const limits = {
    ...(input.memory === undefined ? {} : { memory: `${input.memory}M` }),
    ...(input.cpus === undefined ? {} : { cpus: String(input.cpus) }),
  };
  const service = {
    image: input.image,
    ...(input.command ? { command: input.command } : {}),
    environment: input.env,
    ...(input.runAs ? { user: input.runAs } : {}),
    init: true,
    // On the containers too: which release a task runs is read from them while an update is under way.
    labels: { [LABEL_SWARM_RELEASE]: input.release },
    networks: ["slipway"],
    ...(input.mounts.length > 0 ? { volumes: input.mounts } : {}),
    secrets: secrets.map((s) => ({ source: s.key, target: s.target, ...secretOwner(input.runAs) })),
    stop_grace_period: duration(input.drain),
    ...(test
      ? {
          healthcheck: {
            test,
            interval: duration(check.interval),
            timeout: duration(check.timeout),
            retries: Math.max(check.healthyThreshold, 3),
            // Failures before the deadline do not count: a slow start is not a failed release.
            start_period: duration(check.deadline),
          },
        }
      : {}),
    logging: { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } },
    deploy: {
      replicas: input.replicas,
      endpoint_mode: "dnsrr",
      labels: { ...serviceLabels, [LABEL_SWARM_RELEASE]: input.release },
      update_config: { parallelism: 1, order: "start-first", failure_action: "rollback", monitor: "2s" },
      rollback_config: { parallelism: 1, order: "start-first", failure_action: "pause", monitor: "2s" },
      restart_policy: { condition: "any", delay: "1s" },
      ...(Object.keys(limits).length > 0 ? { resources: { limits } } : {}),
    },
  };
  const volumes = input.mounts
    .map((m) => m.split(":")[0]!)
    .filter((source) => !source.startsWith("/"))
    .map((source) => [source, {}] as const);
  return {
    version: "3.8",
    services: { [input.service]: service },
    networks: { slipway: { external: true, name: swarmNetwork(input.stack) } },
    ...(volumes.length > 0 ? { volumes: Object.fromEntries(volumes) } : {}),
    ...(secrets.length > 0
      ? { secrets: Object.fromEntries(secrets.map((s) => [s.key, { name: s.name, file: s.file }])) }
      : {}),
  };
}

/**
 * The gateway's Caddy config: one plain-HTTP server that proxies to every task of the service found
 * in Swarm's DNS, refreshed each second, retrying a refused dial on another task for up to 10 s.
 */
export function gatewayConfig(stack: string, service: string, port: number): object {
  return {
    admin: { disabled: true },
    logging: { logs: { default: { level: "WARN" } } },
    apps: {
      http: {
        servers: {
          gateway: {
            listen: [`:${GATEWAY_PORT}`],
            automatic_https: { disable: true },
            routes: [
              {
                handle: [
                  {
                    handler: "reverse_proxy",
                    dynamic_upstreams: {
                      source: "a",
                      name: `tasks.${swarmServiceName(stack, service)}`,
                      port: String(port),
                      refresh: "1s",
                    },
                    load_balancing: {
                      selection_policy: { policy: "round_robin" },
                      try_duration: "10s",
                      try_interval: "50ms",
                    },
                    health_checks: { passive: { fail_duration: "2s", max_fails: 1 } },
                  },
                ],
              },
            ],
          },
        },
      },
    },
  };
}
