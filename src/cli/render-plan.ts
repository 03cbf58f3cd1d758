/**
 * A plan as users read it, in Terraform's notation (+ create, ~ update with old → new per field,
 * -/+ replace naming the field that forces it, - delete), and as documented JSON for scripts.
 * Sensitive values never appear: they print as (sensitive).
 */

import { type Plan, type PlannedStep, pendingSteps } from "../engine/plan.ts";
import { UNKNOWN } from "../engine/refs.ts";
import type { Change } from "../engine/resource.ts";
import { paint } from "./output.ts";

const SYMBOL = { create: "+", update: "~", replace: "-/+", delete: "-", noop: " " } as const;
const COLOR = { create: "green", update: "yellow", replace: "magenta", delete: "red", noop: "dim" } as const;

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

export function summarize(plan: Plan): PlanSummary {
  const steps = pendingSteps(plan);
  return {
    add: steps.filter((s) => s.action === "create" || s.action === "replace").length,
    change: steps.filter((s) => s.action === "update").length,
    destroy: steps.filter((s) => s.action === "delete" || s.action === "replace").length,
  };
}

function show(value: unknown, sensitive?: boolean): string {
  if (sensitive) return "(sensitive)";
  if (value === undefined) return "(none)";
  if (value === UNKNOWN) return UNKNOWN;
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function describe(step: PlannedStep): Record<string, unknown> {
  if (step.kind.describe) return step.kind.describe(step.want);
  return (step.want ?? {}) as Record<string, unknown>;
}

function fieldLines(fields: [string, string][], indent: string): string[] {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([key, value]) => `${indent}${key.padEnd(width)} = ${value}`);
}

function changeLines(changes: Change[], indent: string): string[] {
  return fieldLines(
    changes.map((c) => [
      c.path,
      `${show(c.from, c.sensitive)} → ${show(c.to, c.sensitive)}${c.forcesReplace ? paint("magenta", " (forces replacement)") : ""}`,
    ]),
    indent,
  );
}

/** Objects found by name that state did not record (a killed run); apply records them. */
function adoptionLines(plan: Plan): string[] {
  const adopted = plan.steps.filter((s) => s.action === "noop" && s.adopted);
  if (adopted.length === 0) return [];
  return [
    "",
    `Found ${adopted.length} existing object(s) that state did not record; up records them without changing them:`,
    ...adopted.map((s) => `  = ${s.address}`),
  ];
}

export function renderPlan(plan: Plan): string {
  const steps = pendingSteps(plan);
  if (steps.length === 0)
    return ["No changes. The stack matches its configuration.", ...adoptionLines(plan)].join("\n");
  const lines = ["slipway will perform the following actions:", ""];
  for (const step of steps) {
    const why = step.reason
      ? paint("dim", ` (${step.reason})`)
      : step.goesWithHost
        ? paint("dim", " (goes with its server)")
        : "";
    lines.push(`  ${paint(COLOR[step.action], `${SYMBOL[step.action]} ${step.address}`)}${why}`);
    if (step.action === "create") {
      lines.push(
        ...fieldLines(
          Object.entries(describe(step)).map(([k, v]) => [k, show(v)]),
          "      ",
        ),
      );
    } else if (step.action === "update" || step.action === "replace") {
      lines.push(...changeLines(step.changes, "      "));
    }
    lines.push("");
  }
  const s = summarize(plan);
  lines.push(
    `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`,
    ...adoptionLines(plan),
  );
  return lines.join("\n");
}

/** The documented --json form (docs/plan-json.md): stable keys, sensitive values masked. */
export function planJson(plan: Plan) {
  return {
    format_version: 1,
    summary: summarize(plan),
    resource_changes: plan.steps.map((step) => ({
      address: step.address,
      kind: step.kind.kind,
      action: step.action,
      reason: step.reason ?? (step.goesWithHost ? "goes with its server" : null),
      changes: step.changes.map((c) => ({
        path: c.path,
        from: c.sensitive ? "(sensitive)" : (c.from ?? null),
        to: c.sensitive ? "(sensitive)" : (c.to ?? null),
        forces_replace: c.forcesReplace,
      })),
      after: step.action === "create" ? describe(step) : null,
    })),
  };
}
