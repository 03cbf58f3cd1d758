/**
 * Environments (staging, preview, …): partial overrides deep-merged over the stack as written, which is
 * itself the "production" environment. Objects merge key by key, arrays and secret refs are replaced
 * whole, and `null` removes a key (`loadBalancers: { main: null }`). The merged stack is named
 * `<name>-<environment>`, so its cloud objects never collide with production's.
 */
import { z } from "zod";
import { resourceName } from "./primitives.ts";
import { isSecretRef } from "./secret.ts";

/** The environment the stack as written describes. */
export const BASE_ENVIRONMENT = "production";

/** A deep partial in which any key may also be `null` (= remove it). Arrays are given whole. */
export type Override<T> = T extends readonly unknown[]
  ? T
  : T extends { secret: string }
    ? T
    : T extends object
      ? { [K in keyof T]?: Override<T[K]> | null }
      : T;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep-merges `override` over `base` with the rules above. Neither argument is modified. */
export function mergeOverride(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(override) || !isPlainObject(base) || isSecretRef(override) || isSecretRef(base))
    return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeOverride(base[key], value);
  }
  return merged;
}

/** True when `path` leads somewhere inside `override` (so an issue there was caused by the override). */
export function overrideHas(override: unknown, path: readonly (string | number)[]): boolean {
  let node = override;
  for (const key of path) {
    if (isPlainObject(node) && Object.hasOwn(node, key)) node = node[key];
    else if (Array.isArray(node)) return true;
    else return false;
  }
  return true;
}

const OVERRIDE_MESSAGE = "expected overrides such as { servers: { web: { count: 1 } } }";

/** The schema of `environments`: names checked here, contents checked by validating each merged stack. */
export function environmentsSchema<T>() {
  return z
    .record(
      resourceName("environment", "staging").refine((name) => name !== BASE_ENVIRONMENT, {
        error: `"${BASE_ENVIRONMENT}" is the stack as written; name overrides for another environment such as "staging"`,
      }),
      z.custom<Override<T>>((value) => isPlainObject(value), { error: OVERRIDE_MESSAGE }),
      { error: "expected environments such as { staging: { servers: { web: { count: 1 } } } }" },
    )
    .default({})
    .superRefine((environments, ctx) => {
      for (const [name, override] of Object.entries(environments)) {
        for (const key of ["name", "environments"]) {
          if (isPlainObject(override) && Object.hasOwn(override, key)) {
            const message =
              key === "name"
                ? `cannot be overridden; the ${name} stack is named "<name>-${name}"`
                : "environments cannot be nested";
            ctx.addIssue({ code: "custom", path: [name, key], message });
          }
        }
      }
    });
}
