/**
 * Load balancer targets: a server, a label selector (every server whose labels match, resolved at each
 * read) or an IP. Adding one checks what Hetzner checks: the server exists and has a public IPv4, or,
 * with use_private_ip, shares a network with the load balancer; a selector parses; an IP is a valid
 * address that no cloud resource (server or load balancer) owns; a public target needs the public
 * interface; nothing is defined twice. Every target resolves to addresses keyed "server:<id>" or
 * "ip:<address>", the keys health is reported under.
 */
import { isIP } from "node:net";
import { ApiError, invalidField } from "./errors.ts";
import { LabelSelectorError, matchesSelector, parseLabelSelector } from "./label-selector.ts";
import type { LoadBalancerRecord, TargetRecord } from "./load-balancer-model.ts";
import type { ServerRecord, State } from "./state.ts";

type Json = Record<string, unknown>;

/** The networks a load balancer is attached to, with its IP on each. */
export function loadBalancerNetworks(state: State, lbId: number): { network: number; ip: string }[] {
  return state.networks.flatMap((n) =>
    (n.loadBalancers ?? [])
      .filter((a) => a.loadBalancerId === lbId)
      .map((a) => ({ network: n.id, ip: a.ip })),
  );
}

/** The server's private IP on a network the load balancer is attached to, or null. */
export function sharedPrivateIp(state: State, lbId: number, serverId: number): string | null {
  const mine = new Set(loadBalancerNetworks(state, lbId).map((n) => n.network));
  for (const network of state.networks) {
    if (!mine.has(network.id)) continue;
    const attachment = network.servers.find((a) => a.serverId === serverId);
    if (attachment) return attachment.ip;
  }
  return null;
}

/** Identity of a target for target_already_defined and remove_target. */
export function sameTarget(a: TargetRecord, b: TargetRecord): boolean {
  if (a.type === "server" && b.type === "server") return a.serverId === b.serverId;
  if (a.type === "label_selector" && b.type === "label_selector") return a.selector === b.selector;
  if (a.type === "ip" && b.type === "ip") return a.ip === b.ip;
  return false;
}

function selectorOf(raw: Json, field: string): string {
  const selector = (raw.label_selector as { selector?: string } | undefined)?.selector;
  if (selector === undefined)
    throw invalidField(`${field}label_selector`, "Missing data for required field.");
  try {
    parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError)
      throw invalidField(`${field}label_selector.selector`, `Invalid label selector: ${error.message}.`);
    throw error;
  }
  return selector;
}

/** The target a request names, without checking it against state (remove_target's lookup key). */
export function targetOf(raw: Json, field = ""): TargetRecord {
  const type = raw.type as TargetRecord["type"];
  const usePrivateIp = (raw.use_private_ip as boolean | undefined) ?? false;
  if (type === "server") {
    const id = (raw.server as { id?: number } | undefined)?.id;
    if (id === undefined) throw invalidField(`${field}server`, "Missing data for required field.");
    return { type, serverId: id, usePrivateIp };
  }
  if (type === "label_selector") return { type, selector: selectorOf(raw, field), usePrivateIp };
  const ip = (raw.ip as { ip?: string } | undefined)?.ip;
  if (ip === undefined) throw invalidField(`${field}ip`, "Missing data for required field.");
  if (raw.use_private_ip === true) throw invalidField(`${field}use_private_ip`, "not allowed for IP targets");
  return { type: "ip", ip };
}

function checkServer(
  state: State,
  lb: LoadBalancerRecord,
  target: TargetRecord & { type: "server" },
  field: string,
) {
  const server = state.servers.find((s) => s.id === target.serverId);
  if (!server) throw invalidField(`${field}server.id`, `server ${target.serverId} not found`);
  if (target.usePrivateIp) {
    if (sharedPrivateIp(state, lb.id, server.id) === null)
      throw new ApiError(
        "resolve_cloud_private_targets_error",
        `server ${server.id} is not attached to a network of load balancer ${lb.id}`,
      );
  } else if (server.publicIpv4 === null) {
    throw new ApiError(
      "resolve_cloud_public_targets_error",
      `server ${server.id} has no public IPv4 address to balance to`,
    );
  }
}

function checkIp(state: State, target: TargetRecord & { type: "ip" }, field: string) {
  if (isIP(target.ip) === 0) throw invalidField(`${field}ip.ip`, `${target.ip} is not a valid IP address`);
  const owned =
    state.servers.some((s) => s.publicIpv4 === target.ip) ||
    state.loadBalancers.some((l) => l.publicIpv4 === target.ip);
  if (owned)
    throw new ApiError(
      "cloud_resource_ip_not_allowed",
      `${target.ip} belongs to a Hetzner Cloud resource: add the server as a server target instead`,
    );
}

/** Checks a new target against state and the load balancer's other targets; throws Hetzner's errors. */
export function checkNewTarget(state: State, lb: LoadBalancerRecord, target: TargetRecord, field = ""): void {
  if (target.type === "server") checkServer(state, lb, target, field);
  if (target.type === "ip") checkIp(state, target, field);
  const usesPrivate = target.type !== "ip" && target.usePrivateIp;
  if (usesPrivate && loadBalancerNetworks(state, lb.id).length === 0)
    throw new ApiError(
      "load_balancer_not_attached_to_network",
      `load balancer ${lb.id} is not attached to a network, so it has no private IP to use`,
    );
  if (!usesPrivate && !lb.publicInterface)
    throw new ApiError(
      "load_balancer_public_interface_disabled",
      `the public interface of load balancer ${lb.id} is disabled: use the private IP`,
    );
  if (lb.targets.some((t) => sameTarget(t, target)))
    throw new ApiError("target_already_defined", "the target is already defined on this load balancer");
}

/** Servers a label selector target currently matches, in id order. */
export function selectedServers(state: State, selector: string): ServerRecord[] {
  const requirements = parseLabelSelector(selector);
  return state.servers.filter((s) => matchesSelector(s.labels, requirements)).sort((a, b) => a.id - b.id);
}

export interface ResolvedTarget {
  /** "server:<id>" or "ip:<address>". */
  readonly key: string;
  /** Where traffic goes; null when the server lacks the address (no public IPv4, left the network). */
  readonly address: string | null;
}

function serverAddress(state: State, lbId: number, server: ServerRecord, usePrivateIp: boolean) {
  return usePrivateIp ? sharedPrivateIp(state, lbId, server.id) : server.publicIpv4;
}

/** Every backend of the load balancer, each once (a server both named and selected counts once). */
export function resolveTargets(state: State, lb: LoadBalancerRecord): ResolvedTarget[] {
  const out = new Map<string, ResolvedTarget>();
  const add = (key: string, address: string | null) => {
    if (!out.has(key)) out.set(key, { key, address });
  };
  for (const target of lb.targets) {
    if (target.type === "ip") add(`ip:${target.ip}`, target.ip);
    else if (target.type === "server") {
      const server = state.servers.find((s) => s.id === target.serverId);
      add(
        `server:${target.serverId}`,
        server ? serverAddress(state, lb.id, server, target.usePrivateIp) : null,
      );
    } else {
      for (const server of selectedServers(state, target.selector))
        add(`server:${server.id}`, serverAddress(state, lb.id, server, target.usePrivateIp));
    }
  }
  return [...out.values()];
}

/** Ids of load balancers that balance to the server, directly or through a label selector. */
export function loadBalancersOfServer(state: State, serverId: number): number[] {
  return state.loadBalancers
    .filter((lb) => resolveTargets(state, lb).some((t) => t.key === `server:${serverId}`))
    .map((lb) => lb.id);
}

/** What a server's delete does to load balancers: its server targets go; selectors stop matching it. */
export function releaseServerFromLoadBalancers(state: State, serverId: number): void {
  for (const lb of state.loadBalancers)
    lb.targets = lb.targets.filter((t) => !(t.type === "server" && t.serverId === serverId));
}
