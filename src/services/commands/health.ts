/**
 * The health gate of a release, as one shell script run on the host: run a probe every `interval` until
 * it passes `healthyThreshold` times in a row, or give up at `deadline`. Running the loop remotely costs
 * one SSH round trip however long the wait. The probe is an HTTP GET of the health path on the
 * release's loopback port, a command inside the container, or — for a worker with neither — "the
 * container is still running". Pure: returns argv.
 */
import type { Argv } from "../../util/shell.ts";

export interface HealthCheck {
  path: string;
  /** All in milliseconds. */
  interval: number;
  timeout: number;
  healthyThreshold: number;
  deadline: number;
  /** Run inside the container instead of the HTTP probe; exit 0 = healthy. */
  command?: readonly string[];
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The probe for a release container reachable at `address` (host:port; null for workers without a port). */
export function healthProbe(container: string, address: string | null, check: HealthCheck): Argv {
  const limit = seconds(check.timeout);
  if (check.command) return ["timeout", limit, "docker", "exec", container, ...check.command];
  if (address)
    return ["curl", "-fsS", "-o", "/dev/null", "--max-time", limit, `http://${address}${check.path}`];
  return [
    "sh",
    "-c",
    '[ "$(docker inspect --format "{{.State.Running}}" "$1")" = true ]',
    "running",
    container,
  ];
}

export function waitHealthy(probe: Argv, check: HealthCheck): Argv {
  const script = [
    "deadline=$1; threshold=$2; interval=$3; shift 3",
    // Its own file for the probe's errors: releases of two services on one host are checked at once.
    "ok=0; tries=0; first=; start=$(date +%s%N); err=$(mktemp); trap 'rm -f \"$err\"' EXIT",
    'while [ $(( ($(date +%s%N) - start) / 1000000 )) -lt "$deadline" ]; do',
    "  tries=$((tries + 1))",
    '  if "$@" >/dev/null 2>"$err"; then ok=$((ok + 1)); [ -z "$first" ] && first=$(( ($(date +%s%N) - start) / 1000000 ))',
    '    [ "$ok" -ge "$threshold" ] && { echo "healthy after $tries probes; first pass at $first ms"; exit 0; }',
    "  else ok=0; fi",
    '  sleep "$interval"',
    "done",
    'echo "not healthy after $tries probes in $(( deadline / 1000 )) s: $(tail -c 300 "$err")" >&2; exit 1',
  ].join("\n");
  return [
    "sh",
    "-c",
    script,
    "wait-healthy",
    String(check.deadline),
    String(check.healthyThreshold),
    seconds(check.interval),
    ...probe,
  ];
}
