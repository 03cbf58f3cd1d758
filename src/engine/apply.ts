/**
 * Apply walks the plan as a DAG with bounded concurrency: a step starts once everything it depends on
 * has succeeded, and state is saved after every completed operation. A failure skips its dependents
 * but lets independent work finish, so one bad resource never leaves the rest half-done; the next run
 * plans from reality and resumes.
 */
import { errorMessage } from "../errors.ts";
import { MinHeap } from "./graph.ts";
import type { Plan, PlannedStep } from "./plan.ts";
import { hasUnknown, resolveRefs } from "./refs.ts";
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
  // Objects deleted outside slipway: nothing to do in the cloud, but state must stop claiming them.
  for (const address of plan.forget ?? []) await options.state.remove(address, { generated: true });
  await runDag(forward, (s) => s.dependsOn, options, result);
  // Deletes go dependents first: a step waits for the deletes of everything that depends on it.
  const dependentsOf = new Map<string, string[]>();
  for (const d of deletes) {
    for (const needed of new Set([...d.dependsOn, ...(d.hostedOn ? [d.hostedOn] : [])])) {
      dependentsOf.set(needed, [...(dependentsOf.get(needed) ?? []), d.address]);
    }
  }
  await runDag(deletes, (s) => dependentsOf.get(s.address) ?? [], options, result);
  return result;
}

/**
 * Runs `steps` as a DAG: each waits for its prerequisites (counted down as they finish, so the walk is
 * linear in the size of the graph), ready steps start in plan order up to the concurrency bound, and
 * a failure skips everything downstream of it at once while the rest carries on.
 */
function runDag(
  steps: PlannedStep[],
  prerequisites: (step: PlannedStep) => readonly string[],
  options: ApplyOptions,
  result: ApplyResult,
): Promise<void> {
  const index = new Map(steps.map((s, i) => [s.address, i]));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, PlannedStep[]>();
  for (const step of steps) {
    const needs = [...new Set(prerequisites(step))].filter((a) => index.has(a) && a !== step.address);
    waitingOn.set(step.address, needs.length);
    for (const need of needs) dependents.set(need, [...(dependents.get(need) ?? []), step]);
  }
  // Critical path first: among ready steps, the one with the longest chain of steps waiting on it
  // starts first (ties in plan order), so a bounded apply stays close to the longest chain's time.
  const height = new Map<string, number>();
  for (let i = steps.length - 1; i >= 0; i--) heightOf(steps[i]!);
  function heightOf(step: PlannedStep): number {
    const known = height.get(step.address);
    if (known !== undefined) return known;
    // Iterative post-order: dependents first, without recursion on long chains.
    const stack = [step];
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const pending = (dependents.get(top.address) ?? []).filter((d) => !height.has(d.address));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      const below = (dependents.get(top.address) ?? []).map((d) => height.get(d.address)!);
      height.set(top.address, 1 + Math.max(0, ...below));
    }
    return height.get(step.address)!;
  }
  const ready = new MinHeap<PlannedStep>(
    (a, b) =>
      height.get(b.address)! - height.get(a.address)! || index.get(a.address)! - index.get(b.address)!,
  );
  for (const step of steps) if (waitingOn.get(step.address) === 0) ready.push(step);
  const settled = new Set<string>();
  /** Steps holding a concurrency slot (their cloud calls run). */
  let running = 0;
  /** Steps begun and not yet settled (cloud calls or checkpoint still pending). */
  let started = 0;

  /** Marks `step` finished; on failure, skips everything downstream (iteratively: chains can be long). */
  const settle = (step: PlannedStep, failedBecause?: string) => {
    settled.add(step.address);
    const queue = [step];
    while (queue.length > 0) {
      const current = queue.pop()!;
      for (const next of dependents.get(current.address) ?? []) {
        if (settled.has(next.address)) continue;
        if (failedBecause === undefined) {
          const left = waitingOn.get(next.address)! - 1;
          waitingOn.set(next.address, left);
          if (left === 0) ready.push(next);
          continue;
        }
        settled.add(next.address);
        result.skipped.push(next.address);
        options.onEvent?.({ type: "skip", step: next, because: failedBecause });
        queue.push(next);
      }
    }
  };

  return new Promise((resolve, reject) => {
    const pump = () => {
      while (running < options.concurrency && ready.size > 0) {
        const step = ready.pop()!;
        running++;
        started++;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          running--;
          queueMicrotask(pump);
        };
        runStep(step, options, release)
          .then(
            () => {
              result.done.push(step.address);
              settle(step);
            },
            (error: unknown) => {
              result.failed.push({ address: step.address, error });
              options.onEvent?.({ type: "fail", step, error });
              settle(step, step.address);
            },
          )
          .then(() => {
            started--;
            release();
            pump();
          })
          .catch(reject);
      }
      if (started === 0 && ready.size === 0) {
        if (settled.size < steps.length) {
          reject(new Error(`apply stalled with ${steps.length - settled.size} steps waiting`));
        } else resolve();
      }
    };
    pump();
  });
}

/**
 * The step as it stands now that its dependencies ran: refs resolved to real values, and the changes
 * diffed again, since a value planned as "(known after apply)" may turn out to be the same as before.
 */
function settledStep(
  step: PlannedStep,
  observed: ReadonlyMap<string, unknown>,
): { action: PlannedStep["action"]; want: unknown; changes: PlannedStep["changes"] } {
  if (step.input === undefined || step.action === "delete") return step;
  const want = resolveRefs(step.input, (addr) => observed.get(addr));
  if (hasUnknown(want)) {
    throw new Error(`${step.address}: some of its inputs are still unknown after its dependencies ran`);
  }
  if (step.action === "create") return { action: "create", want, changes: [] };
  const changes = step.kind.diff(want, step.have);
  if (changes.length === 0) return { action: "noop", want, changes };
  return { action: changes.some((c) => c.forcesReplace) ? "replace" : "update", want, changes };
}

/**
 * One step: its cloud calls, then the checkpoint. `release` frees the step's concurrency slot as soon
 * as the cloud calls are done, so a slow state write never holds back other operations; dependents
 * still wait for the checkpoint (the step settles only after it).
 */
async function runStep(step: PlannedStep, options: ApplyOptions, release: () => void): Promise<void> {
  const { state, ctx, observed } = options;
  const { kind } = step;
  const record = (have: unknown, deposed?: { id: string; outputs: unknown }[]) => {
    observed.set(step.address, have);
    return state.set(step.address, {
      kind: kind.kind,
      id: kind.id(have),
      outputs: have,
      dependsOn: [...step.dependsOn],
      hostedOn: step.hostedOn,
      ...(deposed?.length ? { deposed } : {}),
    });
  };
  if (step.action === "noop") {
    release();
    observed.set(step.address, step.have);
    // An adopted or re-read object may have an id state does not know yet.
    if (state.resource(step.address)?.id !== kind.id(step.have)) await record(step.have);
    return;
  }
  const started = Date.now();
  options.onEvent?.({ type: "start", step });
  try {
    const { action, want, changes } = settledStep(step, observed);
    switch (action) {
      case "noop":
        release();
        await record(step.have);
        break;
      case "create": {
        const created = await kind.create(ctx, want);
        release();
        await record(created);
        break;
      }
      case "update": {
        const updated = await kind.update(ctx, step.have, want, changes);
        release();
        await record(updated);
        break;
      }
      case "replace":
        if (kind.createBeforeDelete) {
          const created = await kind.create(ctx, want);
          // Recorded as deposed until it is gone: if the delete fails or the run dies, the next plan
          // deletes it instead of forgetting it.
          const old = { id: kind.id(step.have), outputs: step.have };
          const earlier = state.resource(step.address)?.deposed ?? [];
          await record(created, [...earlier.filter((d) => d.id !== old.id), old]);
          await kind.delete(ctx, step.have);
          release();
          await state.forgetDeposed(step.address, old.id);
        } else {
          await kind.delete(ctx, step.have);
          await state.remove(step.address);
          const created = await kind.create(ctx, want);
          release();
          await record(created);
        }
        break;
      case "delete":
        if (step.deposedOf) {
          await kind.delete(ctx, step.have);
          release();
          await state.forgetDeposed(step.deposedOf, kind.id(step.have));
          break;
        }
        if (!step.goesWithHost) await kind.delete(ctx, step.have);
        release();
        observed.delete(step.address);
        await state.remove(step.address, { generated: true });
        break;
    }
  } catch (error) {
    throw error instanceof Error ? error : new Error(errorMessage(error));
  } finally {
    release();
  }
  options.onEvent?.({ type: "done", step, ms: Date.now() - started });
}
