/**
 * Where each environment of a stack keeps its state beside the stack file (or under the SLIPWAY_STATE
 * prefix). The stack as written ("production") keeps the layout slipway always had, `.slipway/state.json`,
 * so existing stacks need no migration; another environment gets `.slipway/env/<name>/` with its own
 * state.json, state.lock and history/. `env/` cannot clash with a name slipway writes at the top of
 * `.slipway/` (state.json, state.lock, history/, key).
 */
import { join } from "node:path";
import { BASE_ENVIRONMENT } from "../config/environments.ts";

/** The environment's own path segments under the stack's state root ([] for the stack as written). */
export function environmentSegments(environment: string | undefined): string[] {
  return environment === undefined || environment === BASE_ENVIRONMENT ? [] : ["env", environment];
}

/** The local state directory of one environment of the stack in `stackDir`. */
export function localStateDir(stackDir: string, environment?: string): string {
  return join(stackDir, ".slipway", ...environmentSegments(environment));
}

/** The S3 key prefix of one environment under the SLIPWAY_STATE prefix ("" or ending in "/"). */
export function environmentPrefix(prefix: string, environment?: string): string {
  const segments = environmentSegments(environment);
  return segments.length === 0 ? prefix : `${prefix}${segments.join("/")}/`;
}
