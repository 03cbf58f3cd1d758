/**
 * Which firewalls apply to which servers: directly (`type: server`) or through a label selector, whose
 * members change as servers' labels change, so membership is always computed from state, never stored.
 * A firewall reads `pending` on a server while an apply/remove action touching both is still running.
 */
import { touches } from "./actions.ts";
import { matchesSelector, parseLabelSelector } from "./label-selector.ts";
import type { FirewallRecord, FirewallTarget, ServerRecord, State } from "./state.ts";

/** Servers a target covers; a selector that no longer parses covers none (it was checked when applied). */
export function serversOfTarget(state: State, target: FirewallTarget): ServerRecord[] {
  if (target.type === "server") return state.servers.filter((s) => s.id === target.serverId);
  let reqs: ReturnType<typeof parseLabelSelector>;
  try {
    reqs = parseLabelSelector(target.selector);
  } catch {
    return [];
  }
  return state.servers.filter((s) => matchesSelector(s.labels, reqs));
}

/** Every firewall applying to the server, in id order, each once. */
export function firewallsOfServer(state: State, serverId: number): FirewallRecord[] {
  return state.firewalls.filter((fw) =>
    fw.appliedTo.some((t) => serversOfTarget(state, t).some((s) => s.id === serverId)),
  );
}

export function appliedToView(state: State, fw: FirewallRecord) {
  return fw.appliedTo.map((t) =>
    t.type === "server"
      ? { type: "server" as const, server: { id: t.serverId } }
      : {
          type: "label_selector" as const,
          label_selector: { selector: t.selector },
          applied_to_resources: serversOfTarget(state, t).map((s) => ({
            type: "server" as const,
            server: { id: s.id },
          })),
        },
  );
}

/** The server's `public_net.firewalls`. */
export function serverFirewallsView(state: State, serverId: number) {
  return firewallsOfServer(state, serverId).map((fw) => {
    const pending = state.actions.some(
      (a) =>
        a.status === "running" &&
        touches(a, { id: fw.id, type: "firewall" }) &&
        touches(a, { id: serverId, type: "server" }),
    );
    return { id: fw.id, status: pending ? ("pending" as const) : ("applied" as const) };
  });
}
