/**
 * /load_balancers: list (name, label_selector, sort id/name/created, pagination), get, create, update
 * (name, labels) and delete (refused with `protected` while delete protection is on; answers 204 and
 * removes the proxy in the background). A create takes a type by id or name, a location or a network
 * zone, and optional services, targets, algorithm, network and public_interface, checked as the
 * matching actions check them; it gets a public IPv4 from the load balancer range and ends its
 * create_load_balancer action when the proxy runs.
 */
import { actionView, assertUnlocked } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { LOAD_BALANCER_TYPES, LOCATIONS } from "./catalog.ts";
import { commit, type Handler } from "./context.ts";
import { ApiError, invalidField, notFound, uniquenessError } from "./errors.ts";
import { nextFreeIpv4 } from "./ip-pool.ts";
import { idParam, listResponse } from "./list-query.ts";
import type { TargetHealth } from "./load-balancer-driver.ts";
import type { LoadBalancerRecord } from "./load-balancer-model.ts";
import {
  addLoadBalancerAttachment,
  detachLoadBalancerFromAll,
  networkOfRequest,
  planLoadBalancerIp,
} from "./load-balancer-networks.ts";
import { assertPortsFree, normaliseService, withServiceDefaults } from "./load-balancer-services.ts";
import {
  destroyLoadBalancerLater,
  loadBalancerHealth,
  startLoadBalancerAction,
  syncLoadBalancerLater,
} from "./load-balancer-sync.ts";
import { checkNewTarget, targetOf } from "./load-balancer-targets.ts";
import { loadBalancerView } from "./load-balancer-view.ts";
import type { Route } from "./router.ts";
import { type State, takeId, timestamp } from "./state.ts";

type Json = Record<string, unknown>;

export function findLoadBalancer(state: State, id: number): LoadBalancerRecord {
  const lb = state.loadBalancers.find((l) => l.id === id);
  if (!lb) throw notFound(`Load Balancer with ID ${id}`);
  return lb;
}

export function resolveLoadBalancerType(ref: string, field = "load_balancer_type") {
  const type = /^\d+$/.test(ref)
    ? LOAD_BALANCER_TYPES.find((t) => t.id === Number(ref))
    : LOAD_BALANCER_TYPES.find((t) => t.name === ref);
  if (!type) throw invalidField(field, `load balancer type ${ref} not found`);
  return type;
}

/** Limits of the load balancer's type: resource_limit_exceeded past max_services or max_targets. */
export function assertWithinType(
  lb: LoadBalancerRecord,
  code: "resource_limit_exceeded" | "invalid_load_balancer_type",
) {
  const type = resolveLoadBalancerType(String(lb.loadBalancerTypeId));
  if (lb.services.length > type.maxServices)
    throw new ApiError(code, `load balancer type ${type.name} allows at most ${type.maxServices} services`);
  if (lb.targets.length > type.maxTargets)
    throw new ApiError(code, `load balancer type ${type.name} allows at most ${type.maxTargets} targets`);
}

/** Type ids as numbers, and each service with the defaults the API fills in (withServiceDefaults). */
function withDefaults(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const copy: Json = { ...(body as Json) };
  if (Number.isInteger(copy.load_balancer_type)) copy.load_balancer_type = String(copy.load_balancer_type);
  if (!Array.isArray(copy.services)) return copy;
  copy.services = copy.services.map(withServiceDefaults);
  return copy;
}

function placement(body: Json): number {
  const location = body.location as string | undefined;
  const zone = body.network_zone as string | undefined;
  if (location !== undefined && zone !== undefined)
    throw invalidField("location", "location and network_zone are mutually exclusive");
  if (location !== undefined) {
    const found = /^\d+$/.test(location)
      ? LOCATIONS.find((l) => l.id === Number(location))
      : LOCATIONS.find((l) => l.name === location);
    if (!found) throw invalidField("location", `location ${location} not found`);
    return found.id;
  }
  if (zone !== undefined) {
    const found = LOCATIONS.find((l) => l.network_zone === zone);
    if (!found) throw invalidField("network_zone", `network zone ${zone} not found`);
    return found.id;
  }
  throw invalidField("location", "either location or network_zone is required");
}

async function healthOf(ctx: Parameters<Handler>[1], lbs: readonly LoadBalancerRecord[]) {
  const entries = await Promise.all(
    lbs.map(async (lb) => [lb.id, await loadBalancerHealth(ctx, lb.id)] as const),
  );
  return new Map<number, TargetHealth[]>(entries);
}

const list: Handler = async (req, ctx) => {
  const state = ctx.store.state;
  const health = await healthOf(ctx, state.loadBalancers);
  return listResponse(req, state.loadBalancers, {
    key: "load_balancers",
    view: (lb) => loadBalancerView(state, lb, health.get(lb.id) ?? []),
    name: (lb) => lb.name,
    labels: (lb) => lb.labels,
    sort: { id: (lb) => lb.id, name: (lb) => lb.name, created: (lb) => lb.created },
  });
};

const get: Handler = async (req, ctx) => {
  const lb = findLoadBalancer(ctx.store.state, idParam(req));
  const health = await loadBalancerHealth(ctx, lb.id);
  return { status: 200, body: { load_balancer: loadBalancerView(ctx.store.state, lb, health) } };
};

function assertNameFree(state: State, name: string, except?: number): void {
  if (state.loadBalancers.some((l) => l.name === name && l.id !== except))
    throw uniquenessError("load balancer name is already used", "name");
}

/** Checks targets with the new load balancer (and its network attachment) visible in state. */
function addTargets(state: State, lb: LoadBalancerRecord, raws: readonly Json[]): void {
  for (const [i, raw] of raws.entries()) {
    const target = targetOf(raw, `targets[${i}].`);
    checkNewTarget(state, lb, target, `targets[${i}].`);
    lb.targets.push(target);
  }
  assertWithinType(lb, "resource_limit_exceeded");
}

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/load_balancers", withDefaults(req.body));
  const state = ctx.store.state;
  const name = body.name as string;
  const type = resolveLoadBalancerType(body.load_balancer_type as string);
  const locationId = placement(body);
  assertNameFree(state, name);
  const network = body.network === undefined ? null : networkOfRequest(state, body.network as number);
  const lb: LoadBalancerRecord = {
    id: state.nextId.loadBalancer,
    name,
    created: timestamp(),
    loadBalancerTypeId: type.id,
    locationId,
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    protection: { delete: false },
    algorithm:
      (body.algorithm as { type: LoadBalancerRecord["algorithm"] } | undefined)?.type ?? "round_robin",
    publicIpv4: "",
    publicInterface: body.public_interface !== false,
    dnsPtr: null,
    services: ((body.services as Json[] | undefined) ?? []).map((s, i) =>
      normaliseService(s, undefined, `services[${i}]`),
    ),
    targets: [],
  };
  assertPortsFree(lb.services);
  if (!lb.publicInterface && !network)
    throw new ApiError(
      "load_balancer_not_attached_to_network",
      "a load balancer without a public interface needs a network",
    );
  const used = new Set(state.loadBalancers.map((l) => l.publicIpv4));
  const ipv4 = nextFreeIpv4(ctx.loadBalancerIpv4Pool, used, state.lastLoadBalancerIpv4);
  if (ipv4 === null)
    throw new ApiError("resource_unavailable", "no free load balancer IPv4 left in the sandbox");
  lb.publicIpv4 = ipv4;
  const privateIp = network ? planLoadBalancerIp(state, lb, network, {}) : null;
  // Targets are checked against the load balancer as it will be; a refusal takes both back out.
  state.loadBalancers.push(lb);
  if (network && privateIp) addLoadBalancerAttachment(network, lb.id, privateIp);
  try {
    addTargets(state, lb, (body.targets as Json[] | undefined) ?? []);
  } catch (error) {
    state.loadBalancers = state.loadBalancers.filter((l) => l !== lb);
    detachLoadBalancerFromAll(state, lb.id);
    throw error;
  }
  takeId(state, "loadBalancer");
  state.lastLoadBalancerIpv4 = ipv4;
  const action = startLoadBalancerAction(ctx, lb, "create_load_balancer");
  return {
    status: 201,
    body: { load_balancer: loadBalancerView(state, lb, []), action: actionView(action) },
  };
};

const update: Handler = async (req, ctx) => {
  const state = ctx.store.state;
  const lb = findLoadBalancer(state, idParam(req));
  const body = checkedBody(req, "/load_balancers/{id}");
  if (typeof body.name === "string") {
    assertNameFree(state, body.name, lb.id);
    lb.name = body.name;
  }
  if (body.labels) lb.labels = body.labels as Record<string, string>;
  commit(ctx);
  syncLoadBalancerLater(ctx, lb.id);
  const health = await loadBalancerHealth(ctx, lb.id);
  return { status: 200, body: { load_balancer: loadBalancerView(state, lb, health) } };
};

const remove: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const lb = findLoadBalancer(state, idParam(req));
  assertUnlocked(state, { id: lb.id, type: "load_balancer" }, `load balancer ${lb.id}`);
  if (lb.protection.delete)
    throw new ApiError("protected", `load balancer ${lb.id} is protected against deletion`);
  detachLoadBalancerFromAll(state, lb.id);
  state.loadBalancers = state.loadBalancers.filter((l) => l.id !== lb.id);
  commit(ctx);
  destroyLoadBalancerLater(ctx, lb.id);
  return { status: 204 };
};

export const loadBalancerRoutes: Route<Handler>[] = [
  { method: "GET", template: "/load_balancers", handler: list },
  { method: "POST", template: "/load_balancers", handler: create },
  { method: "GET", template: "/load_balancers/{id}", handler: get },
  { method: "PUT", template: "/load_balancers/{id}", handler: update },
  { method: "DELETE", template: "/load_balancers/{id}", handler: remove },
];
