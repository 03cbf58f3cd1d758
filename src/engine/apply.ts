/**
 * Apply walks the plan as a DAG with bounded concurrency: a step starts once everything it depends on
 * has succeeded, and state is saved after every completed operation. A failure skips its dependents
 * but lets independent work finish, so one bad resource never leaves the rest half-done; the next run
 * plans from reality and resumes.
 */
import { errorMessage } from "../errors.ts";
import type { Plan, PlannedStep } from "./plan.ts";
import type { StateStore } from "./state.ts";

export type ApplyEvent =
  | { type: "start"; step: PlannedStep }
  | { type: "done"; step: PlannedStep; ms: number }
  | { type: "fail"; step: PlannedStep; error: unknown }
  | { type: "skip"; step: PlannedStep; because: string };

export interface ApplyResult {
  done: string[];
  failed: { address: string; error: unknown }[];
  skipped: string[];
}

export interface ApplyOptions {
  plan: Plan;
  state: StateStore;
  ctx: unknown;
  /** Live outputs by address; apply adds what it creates so dependents can reach it. */
  observed: Map<string, unknown>;
  concurrency: number;
  onEvent?: (event: ApplyEvent) => void;
}

export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { plan } = options;
  const forward = plan.steps.filter((s) => s.action !== "delete");
  const deletes = plan.steps.filter((s) => s.action === "delete");
  const result: ApplyResult = { done: [], failed: [], skipped: [] };
  await runDag(forward, (s) => s.dependsOn, options, result);
  // Deletes go dependents first: a step waits for the deletes of everything that depends on it.
  const dependentsOf = (step: PlannedStep) =>
    deletes
      .filter((d) => d.dependsOn.includes(step.address) || d.hostedOn === step.address)
      .map((d) => d.address);
  await runDag(deletes, dependentsOf, options, result);
  return result;
}

async function runDag(
  steps: PlannedStep[],
  prerequisites: (step: PlannedStep) => readonly string[],
  options: ApplyOptions,
  result: ApplyResult,
): Promise<void> {
  const inPlan = new Set(steps.map((s) => s.address));
  const finished = new Set<string>();
  const blocked = new Map<string, string>(); // address → the failure that blocks it
  const running = new Set<Promise<void>>();
  const pending = [...steps];

  const settle = (step: PlannedStep, ok: boolean, because?: string) => {
    finished.add(step.address);
    if (!ok) blocked.set(step.address, because ?? step.address);
  };

  while (pending.length > 0 || running.size > 0) {
    for (let i = 0; i < pending.length && running.size < options.concurrency; ) {
      const step = pending[i]!;
      const needs = prerequisites(step).filter((a) => inPlan.has(a));
      const blocker = needs.find((a) => blocked.has(a));
      if (blocker) {
        pending.splice(i, 1);
        const because = blocked.get(blocker)!;
        result.skipped.push(step.address);
        options.onEvent?.({ type: "skip", step, because });
        settle(step, false, because);
        continue;
      }
      if (!needs.every((a) => finished.has(a))) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const task = runStep(step, options).then(
        () => {
          result.done.push(step.address);
          settle(step, true);
        },
        (error: unknown) => {
          result.failed.push({ address: step.address, error });
          options.onEvent?.({ type: "fail", step, error });
          settle(step, false);
        },
      );
      const tracked = task.finally(() => running.delete(tracked));
      running.add(tracked);
    }
    if (running.size === 0) {
      if (pending.length > 0) throw new Error(`apply stalled with ${pending.length} steps waiting`);
      break;
    }
    await Promise.race(running);
  }
}

async function runStep(step: PlannedStep, options: ApplyOptions): Promise<void> {
  const { state, ctx, observed } = options;
  const { kind } = step;
  const record = (have: unknown) => {
    observed.set(step.address, have);
    return state.set(step.address, {
      kind: kind.kind,
      id: kind.id(have),
      outputs: have,
      dependsOn: [...step.dependsOn],
      hostedOn: step.hostedOn,
    });
  };
  if (step.action === "noop") {
    observed.set(step.address, step.have);
    // An adopted or re-read object may have an id state does not know yet.
    if (state.resource(step.address)?.id !== kind.id(step.have)) await record(step.have);
    return;
  }
  const started = Date.now();
  options.onEvent?.({ type: "start", step });
  try {
    switch (step.action) {
      case "create":
        await record(await kind.create(ctx, step.want));
        break;
      case "update":
        await record(await kind.update(ctx, step.have, step.want, step.changes));
        break;
      case "replace":
        if (kind.createBeforeDelete) {
          const created = await kind.create(ctx, step.want);
          await record(created);
          await kind.delete(ctx, step.have);
        } else {
          await kind.delete(ctx, step.have);
          await state.remove(step.address);
          await record(await kind.create(ctx, step.want));
        }
        break;
      case "delete":
        if (!step.goesWithHost) await kind.delete(ctx, step.have);
        observed.delete(step.address);
        await state.remove(step.address, { generated: true });
        break;
    }
  } catch (error) {
    throw error instanceof Error ? error : new Error(errorMessage(error));
  }
  options.onEvent?.({ type: "done", step, ms: Date.now() - started });
}
