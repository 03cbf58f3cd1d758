/**
 * The shell `slipway logs` runs on each host: every running container of one service (all replicas of
 * the release that serves), each line prefixed by its container name, with Docker's timestamps, so the
 * caller can tell replicas apart and merge hosts. Pure: argv only; values travel as positional
 * parameters of `sh -c`, never spliced into the script.
 */
import { LABEL_SERVICE, LABEL_STACK } from "../../services/commands/containers.ts";
import type { Argv } from "../../util/shell.ts";

export interface LogOptions {
  follow: boolean;
  /** Docker's --since: a duration such as "10m" or a timestamp. */
  since?: string;
  /** Lines per container from the end; unset: all (or, with follow, from now on). */
  tail?: number;
}

/** Exit code of the script when the host runs no container of the service. */
export const NO_CONTAINER = 3;

const SCRIPT = [
  "stack=$1 service=$2 follow=$3 since=$4 tail=$5",
  `names=$(docker ps --filter "label=${LABEL_STACK}=$stack" --filter "label=${LABEL_SERVICE}=$service" --format '{{.Names}}')`,
  `[ -n "$names" ] || { echo "no running container of $service" >&2; exit ${NO_CONTAINER}; }`,
  "for name in $names; do",
  "  (",
  "    set --",
  '    [ "$follow" = 1 ] && set -- "$@" --follow',
  '    [ -n "$since" ] && set -- "$@" --since "$since"',
  '    [ -n "$tail" ] && set -- "$@" --tail "$tail"',
  '    docker logs --timestamps "$@" "$name" 2>&1 | while IFS= read -r line; do printf \'%s %s\\n\' "$name" "$line"; done',
  "  ) &",
  "done",
  "wait",
].join("\n");

export function serviceLogs(stack: string, service: string, options: LogOptions): Argv {
  return [
    "sh",
    "-c",
    SCRIPT,
    "slipway-logs",
    stack,
    service,
    options.follow ? "1" : "0",
    options.since ?? "",
    options.tail === undefined ? "" : String(options.tail),
  ];
}
