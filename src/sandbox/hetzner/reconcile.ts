/**
 * What a restart does to state loaded from the data file. Work in flight died with the old process:
 *  - a server that was `deleting` and whose machine is gone finished deleting: it is removed and its
 *    delete action succeeds (the driver destroyed it before the process died);
 *  - every other running action ends `error`, code `action_failed`, saying the emulator restarted;
 *  - every server's status is read from the driver: `running` or `off`. A machine that is missing
 *    (removed behind the emulator's back, or a create that never finished) reads as `off`: Hetzner has
 *    no "missing" state, the server still exists and bills, and `off` is the state from which the user's
 *    next move (poweron, or delete) is the right one; a poweron then fails with the driver's message.
 */
import { failRunningActions, finishAction, touches } from "./actions.ts";
import type { MachineDriver } from "./machine-driver.ts";
import { releaseServer } from "./network-server-lifecycle.ts";
import { observedStatus } from "./server-lifecycle.ts";
import type { State } from "./state.ts";

export const RESTART_MESSAGE = "the sandbox's Hetzner emulator restarted while this action was running";

export async function reconcileAfterRestart(state: State, driver: MachineDriver): Promise<void> {
  const powers = new Map<number, Awaited<ReturnType<MachineDriver["power"]>>>();
  for (const s of state.servers) {
    try {
      powers.set(s.id, await driver.power(s.id));
    } catch {
      // observedStatus below turns an unreadable machine into `unknown`
    }
  }
  const deleted = state.servers.filter((s) => s.status === "deleting" && powers.get(s.id) === "missing");
  for (const server of deleted) {
    const ref = { id: server.id, type: "server" };
    for (const a of state.actions) if (a.status === "running" && touches(a, ref)) finishAction(a);
  }
  state.servers = state.servers.filter((s) => !deleted.includes(s));
  for (const server of deleted) releaseServer(state, server.id);
  failRunningActions(state, RESTART_MESSAGE);
  for (const s of state.servers) {
    const power = powers.get(s.id);
    s.status = power ? (power === "running" ? "running" : "off") : await observedStatus(driver, s.id);
  }
}
