/**
 * Shared helpers for config tests: a minimal valid stack to patch, and the issues a stack produces.
 * Tests patch with `withStack` rather than spreading by hand, so each table row shows only its change.
 */
import { expect } from "vitest";
import { type ConfigIssue, mergeOverride, parseStack, StackConfigError } from "../../../src/config/index.ts";

/** The smallest stack that validates: one server group, one service. */
export function minimal(): Record<string, unknown> {
  return {
    name: "shop",
    servers: { web: { type: "cx22", image: "debian-12" } },
    services: { web: { image: "ghcr.io/acme/web:1.2", servers: ["web"], port: 8080 } },
  };
}

/** `minimal()` deep-merged with `patch` (null removes a key, arrays replace). */
export function withStack(patch: Record<string, unknown>): Record<string, unknown> {
  return mergeOverride(minimal(), patch) as Record<string, unknown>;
}

/** The issues parseStack reports for `raw`, or [] when it is valid. */
export function issuesOf(raw: unknown, environment?: string): ConfigIssue[] {
  try {
    parseStack(raw, undefined, environment === undefined ? {} : { environment });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as StackConfigError).issues;
  }
}
