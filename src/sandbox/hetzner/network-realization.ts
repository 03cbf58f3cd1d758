/**
 * From API state to what the machine driver must make real, and the actions that wait for it.
 * networkingPlan() is pure: the whole desired picture (Docker networks, each server's private addresses
 * and its effective firewall), so the driver converges to it idempotently and a sync lost to a crash is
 * repaired by the next one. Only networks with an attached server or load balancer are realized. IPv6 rule addresses are
 * dropped: the sandbox routes no IPv6. Several firewalls on one server allow the union of their rules;
 * outbound is open unless one of them has an `out` rule, as on Hetzner.
 */
import { assertUnlocked, finishAction, type ResourceRef, startAction } from "./actions.ts";
import { type Context, commit } from "./context.ts";
import { firewallsOfServer } from "./firewall-membership.ts";
import { subnetGateway } from "./network-addressing.ts";
import type { ActionRecord, FirewallRuleRecord, State } from "./state.ts";

export interface FirewallRuleMatch {
  readonly protocol: FirewallRuleRecord["protocol"];
  /** "22" or "8000-8100"; null for protocols without ports. */
  readonly port: string | null;
  /** IPv4 CIDRs: sources of inbound rules, destinations of outbound ones. */
  readonly cidrs: readonly string[];
}

export interface ServerFirewall {
  readonly inbound: readonly FirewallRuleMatch[];
  /** null: outbound is not filtered. */
  readonly outbound: readonly FirewallRuleMatch[] | null;
}

export interface ServerNetworking {
  readonly id: number;
  readonly publicIpv4: string | null;
  readonly networks: readonly { readonly networkId: number; readonly ip: string }[];
  /** null: no firewall applies, nothing is filtered. */
  readonly firewall: ServerFirewall | null;
}

export interface NetworkingPlan {
  readonly networks: readonly { readonly id: number; readonly ipRange: string; readonly gateway: string }[];
  readonly servers: readonly ServerNetworking[];
}

function matches(rules: readonly FirewallRuleRecord[], direction: "in" | "out"): FirewallRuleMatch[] {
  return rules
    .filter((r) => r.direction === direction)
    .map((r) => ({
      protocol: r.protocol,
      port: r.port,
      cidrs: (direction === "in" ? r.source_ips : r.destination_ips).filter((c) => !c.includes(":")),
    }))
    .filter((m) => m.cidrs.length > 0);
}

export function networkingPlan(state: State): NetworkingPlan {
  const live = state.servers.filter((s) => s.status !== "deleting");
  const liveIds = new Set(live.map((s) => s.id));
  const networks = state.networks
    .filter((n) => n.servers.some((a) => liveIds.has(a.serverId)) || (n.loadBalancers ?? []).length > 0)
    .map((n) => ({
      id: n.id,
      ipRange: n.ip_range,
      gateway: subnetGateway(n, { type: "cloud", ip_range: n.ip_range }),
    }));
  const servers = live.map((s): ServerNetworking => {
    const firewalls = firewallsOfServer(state, s.id);
    const rules = firewalls.flatMap((fw) => fw.rules);
    const hasOut = rules.some((r) => r.direction === "out");
    return {
      id: s.id,
      publicIpv4: s.publicIpv4,
      networks: state.networks.flatMap((n) =>
        n.servers.filter((a) => a.serverId === s.id).map((a) => ({ networkId: n.id, ip: a.ip })),
      ),
      firewall:
        firewalls.length === 0
          ? null
          : { inbound: matches(rules, "in"), outbound: hasOut ? matches(rules, "out") : null },
    };
  });
  return { networks, servers };
}

/** Something the driver could not realize: on a network, a server, both, or (neither) everything. */
export interface NetworkingFailure {
  readonly networkId: number | null;
  readonly serverId: number | null;
  readonly message: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Asks the driver to converge to the current state and returns what it could not realize; drivers
 * without networking realize nothing and fail nothing. A driver that throws fails everything.
 */
export async function realizeNetworking(ctx: Context): Promise<NetworkingFailure[]> {
  if (ctx.closed || !ctx.driver.syncNetworking) return [];
  try {
    return [...(await ctx.driver.syncNetworking(networkingPlan(ctx.store.state)))];
  } catch (error) {
    return [{ networkId: null, serverId: null, message: message(error) }];
  }
}

/** The first failure concerning one of the resources; a failure tied to no resource concerns all. */
export function failureOf(
  failures: readonly NetworkingFailure[],
  refs: readonly ResourceRef[],
): NetworkingFailure | undefined {
  return failures.find(
    (f) =>
      (f.networkId === null && f.serverId === null) ||
      refs.some(
        (r) => (r.type === "network" && r.id === f.networkId) || (r.type === "server" && r.id === f.serverId),
      ),
  );
}

/** Realizes, throwing what failed for this server or its networks: for a server create's effect. */
export async function realizeForServer(ctx: Context, serverId: number): Promise<void> {
  const networks = ctx.store.state.networks.filter((n) => n.servers.some((a) => a.serverId === serverId));
  const refs = [{ id: serverId, type: "server" }, ...networks.map((n) => ({ id: n.id, type: "network" }))];
  const failure = failureOf(await realizeNetworking(ctx), refs);
  if (failure) throw new Error(failure.message);
}

/**
 * Starts one action per command on the given resources, and finishes them when the driver has realized
 * the new state: `success`, or `error` with code `action_failed` and the driver's message when what
 * failed concerns the action's resources. State changes are made by the caller before this.
 */
export function startRealizingActions(
  ctx: Context,
  commands: readonly { command: string; resources: readonly ResourceRef[] }[],
): ActionRecord[] {
  const state = ctx.store.state;
  const actions = commands.map(({ command, resources }) => startAction(state, command, resources));
  commit(ctx);
  ctx.background(async () => {
    const failures = await realizeNetworking(ctx);
    if (ctx.closed) return;
    for (const a of actions) {
      const failure = failureOf(failures, a.resources);
      finishAction(a, failure ? { code: "action_failed", message: failure.message } : null);
    }
    commit(ctx);
  });
  return actions;
}

/** Throws `locked` when any of the resources has a running action. */
export function assertAllUnlocked(state: State, refs: readonly ResourceRef[]): void {
  for (const ref of refs) assertUnlocked(state, ref, `${ref.type} ${ref.id}`);
}

/** Realizes in the background, for changes that answer without an action (deletes, label edits). */
export function realizeLater(ctx: Context): void {
  ctx.background(async () => {
    for (const f of await realizeNetworking(ctx)) console.error(`hetzner emulator: ${f.message}`);
  });
}
