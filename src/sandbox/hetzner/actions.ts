/**
 * Actions: the asynchronous tasks the API returns for every state change. An action starts `running`
 * with progress 0 and ends `success` (progress 100) or `error` with `{code, message}`. A resource with a
 * running action is locked: another action on it is refused with `locked` (423), as on Hetzner.
 */
import { locked } from "./errors.ts";
import { type ActionRecord, type State, takeId, timestamp } from "./state.ts";

export type ActionView = ActionRecord;

export interface ResourceRef {
  readonly id: number;
  readonly type: string;
}

export function actionView(a: ActionRecord): ActionView {
  return { ...a, resources: a.resources.map((r) => ({ ...r })), error: a.error ? { ...a.error } : null };
}

export function startAction(state: State, command: string, resources: readonly ResourceRef[]): ActionRecord {
  const action: ActionRecord = {
    id: takeId(state, "action"),
    command,
    status: "running",
    started: timestamp(),
    finished: null,
    progress: 0,
    resources: resources.map((r) => ({ id: r.id, type: r.type })),
    error: null,
  };
  state.actions.push(action);
  return action;
}

export function finishAction(
  action: ActionRecord,
  error: { code: string; message: string } | null = null,
): void {
  action.status = error ? "error" : "success";
  action.finished = timestamp();
  action.progress = 100;
  action.error = error;
}

export function touches(action: ActionRecord, ref: ResourceRef): boolean {
  return action.resources.some((r) => r.id === ref.id && r.type === ref.type);
}

/** Throws `locked` when an action is still running on the resource. */
export function assertUnlocked(state: State, ref: ResourceRef, what: string): void {
  const running = state.actions.find((a) => a.status === "running" && touches(a, ref));
  if (running) throw locked(what);
}

/** Marks every running action failed: what a restart does to work that was in flight. */
export function failRunningActions(state: State, message: string): ActionRecord[] {
  const failed = state.actions.filter((a) => a.status === "running");
  for (const a of failed) finishAction(a, { code: "action_failed", message });
  return failed;
}
