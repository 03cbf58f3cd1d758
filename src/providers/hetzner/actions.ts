/**
 * Waiting on Hetzner actions: most mutations return `running` actions that end in `success` or
 * `error`. Polls them together (GET /actions?id=…) with a growing interval, as Hetzner asks clients
 * not to poll too often; an action that ends in error becomes a HetznerApiError with its code.
 */
import { sleep } from "../../util/wait.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, HetznerApiError } from "./errors.ts";

export interface ActionRef {
  id: number;
  command?: string;
  status: "running" | "success" | "error";
}

export async function waitForActions(
  hetzner: HetznerClient,
  actions: readonly (ActionRef | null | undefined)[],
  doing: string,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  let pending = actions.filter((a): a is ActionRef => a != null && a.status === "running").map((a) => a.id);
  const failed = actions.find((a) => a?.status === "error");
  if (failed) throw actionError(doing, failed);
  const deadline = Date.now() + timeoutMs;
  let interval = 200;
  while (pending.length > 0) {
    if (Date.now() > deadline) {
      throw new HetznerApiError(
        doing,
        0,
        "timeout",
        `actions ${pending.join(", ")} still running`,
        null,
        null,
      );
    }
    await sleep(interval);
    interval = Math.min(interval * 1.5, 2000);
    const result = await hetzner.GET("/actions", { params: { query: { id: pending } } });
    const { actions: states } = ensure(result, `check progress of ${doing}`);
    for (const action of states) {
      if (action.status === "error") throw actionError(doing, action);
    }
    pending = states.filter((a) => a.status === "running").map((a) => a.id);
  }
}

function actionError(
  doing: string,
  action: ActionRef & { error?: { code: string; message: string } | null },
) {
  const code = action.error?.code ?? "action_failed";
  const message = action.error?.message ?? `action ${action.command ?? action.id} failed`;
  return new HetznerApiError(doing, 0, code, message, null, null);
}
