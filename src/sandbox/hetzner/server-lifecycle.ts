/**
 * Running a server's actions against the machine driver. The API answers at once with `running`
 * actions and a transitional status (`starting`, `stopping`, `deleting`, ...); the driver call runs in
 * the background and, when it settles, the actions end `success` and the server takes its final status,
 * or the actions end `error` (code `action_failed`, the driver's message) and the status is read back
 * from the driver, so the API never claims a power state the machine is not in.
 */
import { assertUnlocked, finishAction, startAction } from "./actions.ts";
import { type Context, commit } from "./context.ts";
import type { MachineDriver, MachinePower } from "./machine-driver.ts";
import { realizeLater } from "./network-realization.ts";
import { releaseServer } from "./network-server-lifecycle.ts";
import type { ActionRecord, ServerRecord, ServerStatus } from "./state.ts";

/** The API status of a machine's power state. A missing machine reads as `off`: see reconcile.ts. */
export function statusOfPower(power: MachinePower): ServerStatus {
  return power === "running" ? "running" : "off";
}

/** The status the driver reports for a server's machine; `unknown` when even that fails. */
export async function observedStatus(driver: MachineDriver, id: number): Promise<ServerStatus> {
  try {
    return statusOfPower(await driver.power(id));
  } catch {
    return "unknown";
  }
}

export interface Transition {
  /** Commands of the actions, e.g. ["create_server", "start_server"]; the first is the returned one. */
  readonly commands: readonly string[];
  readonly during: ServerStatus;
  readonly effect: () => Promise<void>;
  /** Final status, or "deleted" to remove the server (and free its IP) once the effect succeeds. */
  readonly after: ServerStatus | "deleted";
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts the transition's actions on a server that must not be locked; returns them. */
export function runTransition(ctx: Context, server: ServerRecord, t: Transition): ActionRecord[] {
  const state = ctx.store.state;
  const ref = { id: server.id, type: "server" };
  assertUnlocked(state, ref, `server ${server.id}`);
  const actions = t.commands.map((command) => startAction(state, command, [ref]));
  server.status = t.during;
  commit(ctx);
  ctx.background(async () => {
    try {
      await t.effect();
    } catch (error) {
      const status = await observedStatus(ctx.driver, server.id);
      if (ctx.closed) return;
      for (const a of actions) finishAction(a, { code: "action_failed", message: message(error) });
      server.status = status;
      commit(ctx);
      return;
    }
    if (ctx.closed) return;
    for (const a of actions) finishAction(a);
    if (t.after === "deleted") {
      ctx.store.state.servers = ctx.store.state.servers.filter((s) => s.id !== server.id);
      releaseServer(ctx.store.state, server.id);
      realizeLater(ctx); // drops its firewall rules and any network left without servers
    } else server.status = t.after;
    commit(ctx);
  });
  return actions;
}
