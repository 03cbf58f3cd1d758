/**
 * What plan, up and destroy share: plan a session (for destroy, against an empty stack), apply it with
 * progress lines, and turn failures into one error that says what happened and how to resume.
 */

import { BASE_ENVIRONMENT } from "../config/index.ts";
import { type ApplyEvent, applyPlan } from "../engine/apply.ts";
import { hasWork, type Plan, pendingSteps, planChanges } from "../engine/plan.ts";
import { errorMessage, UserError } from "../errors.ts";
import { KINDS, persistGenerated, type Session } from "../stack/session.ts";
import { paint, progress } from "./output.ts";

export async function planSession(
  session: Session,
  options: { destroy?: boolean; targets?: readonly string[] } = {},
): Promise<Plan> {
  return planChanges({
    nodes: options.destroy ? [] : session.nodes,
    state: session.state.document,
    ctx: session.ctx,
    observed: session.observed,
    kinds: KINDS,
    targets: options.targets,
  });
}

function report(event: ApplyEvent): void {
  const { address, action } = event.step;
  if (event.type === "start") progress(`${address}: ${action} ...`);
  if (event.type === "done")
    progress(`${address}: ${paint("green", `${action} done`)} in ${(event.ms / 1000).toFixed(1)} s`);
  if (event.type === "fail")
    progress(`${address}: ${paint("red", `${action} failed`)}: ${errorMessage(event.error)}`);
  if (event.type === "skip") progress(`${address}: skipped, because ${event.because} failed`);
}

export async function applySession(
  session: Session,
  plan: Plan,
  options: { concurrency: number },
): Promise<void> {
  if (!hasWork(plan)) return;
  await persistGenerated(session);
  const result = await applyPlan({
    plan,
    state: session.state,
    ctx: session.ctx,
    observed: session.observed,
    concurrency: options.concurrency,
    onEvent: report,
  });
  if (result.failed.length === 0) return;
  const lines = result.failed.map((f) => `  ${f.address}: ${errorMessage(f.error)}`);
  throw new UserError(
    `${result.failed.length} of ${pendingSteps(plan).length} changes failed` +
      (result.skipped.length > 0 ? ` and ${result.skipped.length} were not attempted` : "") +
      `:\n${lines.join("\n")}`,
    {
      hint:
        `${result.done.length} changes completed and are recorded in ${session.state.location}. ` +
        `Fix the cause and run \`slipway up${environmentFlag(session)}\` again: it plans from what exists now and resumes.`,
    },
  );
}

/** ` -e NAME` when the session is another environment than the stack as written, for commands in hints. */
export function environmentFlag(session: Session): string {
  return session.stack.environment === BASE_ENVIRONMENT ? "" : ` -e ${session.stack.environment}`;
}
