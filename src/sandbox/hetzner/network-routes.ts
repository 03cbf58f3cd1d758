/**
 * /networks: list (name, label_selector, sort id/name/created, pagination), get, create (with subnets and
 * routes), update (name, labels, expose_routes_to_vswitch), delete (attached servers are detached, as
 * the spec says; delete protection answers `protected`), and the actions add_subnet, delete_subnet,
 * add_route, delete_route, change_ip_range and change_protection. A change while another action runs on
 * the network answers `conflict`, as the spec documents for networks (servers answer `locked`).
 */
import { cidrContains } from "../../util/cidr.ts";
import { actionView } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { LOCATIONS } from "./catalog.ts";
import { type Context, commit, type Handler } from "./context.ts";
import { ApiError, invalidField, notFound, uniquenessError } from "./errors.ts";
import { idParam, listResponse } from "./list-query.ts";
import {
  canonicalCidr,
  checkNetworkRange,
  newRoute,
  newSubnet,
  prefixLength,
  subnetGateway,
} from "./network-addressing.ts";
import { realizeLater, startRealizingActions } from "./network-realization.ts";
import type { Route } from "./router.ts";
import { type NetworkRecord, type State, takeId, timestamp } from "./state.ts";

const ZONES = [...new Set(LOCATIONS.map((l) => l.network_zone))];

export function networkView(n: NetworkRecord) {
  return {
    id: n.id,
    name: n.name,
    ip_range: n.ip_range,
    subnets: n.subnets.map((s) => ({
      type: s.type,
      ip_range: s.ip_range,
      network_zone: s.network_zone,
      gateway: subnetGateway(n, s),
      vswitch_id: s.vswitch_id,
    })),
    routes: n.routes.map((r) => ({ ...r })),
    servers: n.servers.map((a) => a.serverId),
    load_balancers: (n.loadBalancers ?? []).map((a) => a.loadBalancerId),
    protection: { ...n.protection },
    labels: { ...n.labels },
    created: n.created,
    expose_routes_to_vswitch: n.expose_routes_to_vswitch,
  };
}

export function findNetwork(state: State, id: number): NetworkRecord {
  const network = state.networks.find((n) => n.id === id);
  if (!network) throw notFound(`Network with ID ${id}`);
  return network;
}

function assertNoChangeRunning(state: State, network: NetworkRecord): void {
  const busy = state.actions.some(
    (a) => a.status === "running" && a.resources.some((r) => r.type === "network" && r.id === network.id),
  );
  if (busy)
    throw new ApiError("conflict", `network ${network.id} is being changed by a running action, retry`);
}

function assertNameFree(state: State, name: string, except?: number): void {
  if (name.trim() === "") throw invalidField("name", "Shorter than minimum length 1.");
  if (state.networks.some((n) => n.name === name && n.id !== except))
    throw uniquenessError("network name is already used", "name");
}

type SubnetInput = Parameters<typeof newSubnet>[1];

function checkZone(zone: string, field: string): void {
  if (!ZONES.includes(zone))
    throw invalidField(field, `network zone ${zone} not found; one of: ${ZONES.join(", ")}`);
}

const list: Handler = (req, ctx) =>
  listResponse(req, ctx.store.state.networks, {
    key: "networks",
    view: networkView,
    name: (n) => n.name,
    labels: (n) => n.labels,
    sort: { id: (n) => n.id, name: (n) => n.name, created: (n) => n.created },
  });

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/networks");
  const state = ctx.store.state;
  assertNameFree(state, body.name as string);
  const network: NetworkRecord = {
    id: 0,
    name: body.name as string,
    ip_range: checkNetworkRange("ip_range", body.ip_range as string),
    subnets: [],
    routes: [],
    servers: [],
    protection: { delete: false },
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    created: timestamp(),
    expose_routes_to_vswitch: (body.expose_routes_to_vswitch as boolean | undefined) ?? false,
  };
  for (const [i, subnet] of ((body.subnets as SubnetInput[] | undefined) ?? []).entries()) {
    checkZone(subnet.network_zone, `subnets[${i}].network_zone`);
    network.subnets.push(newSubnet(network, subnet, `subnets[${i}]`));
  }
  const routes = (body.routes as { destination: string; gateway: string }[] | undefined) ?? [];
  for (const [i, route] of routes.entries()) network.routes.push(newRoute(network, route, `routes[${i}]`));
  network.id = takeId(state, "network");
  state.networks.push(network);
  commit(ctx);
  return { status: 201, body: { network: networkView(network) } };
};

const update: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const network = findNetwork(state, idParam(req));
  const body = checkedBody(req, "/networks/{id}");
  assertNoChangeRunning(state, network);
  if (typeof body.name === "string") {
    assertNameFree(state, body.name, network.id);
    network.name = body.name;
  }
  if (body.labels) network.labels = body.labels as Record<string, string>;
  if (typeof body.expose_routes_to_vswitch === "boolean")
    network.expose_routes_to_vswitch = body.expose_routes_to_vswitch;
  commit(ctx);
  return { status: 200, body: { network: networkView(network) } };
};

const remove: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const network = findNetwork(state, idParam(req));
  if (network.protection.delete)
    throw new ApiError("protected", `network ${network.id} is protected against deletion`);
  assertNoChangeRunning(state, network);
  state.networks = state.networks.filter((n) => n.id !== network.id);
  commit(ctx);
  realizeLater(ctx);
  return { status: 204 };
};

type NetworkChange = (network: NetworkRecord, body: Record<string, unknown>, state: State) => void;

const CHANGES: Readonly<Record<string, NetworkChange>> = {
  add_subnet: (network, body) => {
    checkZone(body.network_zone as string, "network_zone");
    const input = body as unknown as SubnetInput;
    network.subnets.push(newSubnet(network, input, ""));
  },
  delete_subnet: (network, body) => {
    const range = canonicalCidr(body.ip_range as string) ?? (body.ip_range as string);
    const subnet = network.subnets.find((s) => s.ip_range === range);
    if (!subnet) throw invalidField("ip_range", `the network has no subnet ${range}`);
    const attached = [...network.servers, ...(network.loadBalancers ?? [])];
    if (attached.some((a) => cidrContains(subnet.ip_range, a.ip)))
      throw new ApiError("service_error", `subnet ${range} has attached resources: detach them first`);
    network.subnets = network.subnets.filter((s) => s !== subnet);
  },
  add_route: (network, body) => {
    network.routes.push(newRoute(network, body as { destination: string; gateway: string }, ""));
  },
  delete_route: (network, body) => {
    const destination = canonicalCidr(body.destination as string) ?? body.destination;
    const index = network.routes.findIndex(
      (r) => r.destination === destination && r.gateway === body.gateway,
    );
    if (index < 0)
      throw invalidField(
        "destination",
        `the network has no route to ${String(destination)} via ${String(body.gateway)}`,
      );
    network.routes.splice(index, 1);
  },
  change_ip_range: (network, body) => {
    const range = checkNetworkRange("ip_range", body.ip_range as string);
    if (
      range.split("/")[0] !== network.ip_range.split("/")[0] ||
      prefixLength(range) >= prefixLength(network.ip_range)
    )
      throw invalidField(
        "ip_range",
        `the range can only grow and must keep its first address: e.g. ${network.ip_range.split("/")[0]}/${prefixLength(network.ip_range) - 1}`,
      );
    network.ip_range = range;
  },
  change_protection: (network, body) => {
    if (typeof body.delete === "boolean") network.protection.delete = body.delete;
  },
};

function actionHandler(name: string, change: NetworkChange): Handler {
  return (req, ctx: Context) => {
    const state = ctx.store.state;
    const network = findNetwork(state, idParam(req));
    const body = checkedBody(req, `/networks/{id}/actions/${name}`);
    assertNoChangeRunning(state, network);
    change(network, body, state);
    const [action] = startRealizingActions(ctx, [
      { command: name, resources: [{ id: network.id, type: "network" }] },
    ]);
    return { status: 201, body: { action: action && actionView(action) } };
  };
}

export const networkRoutes: Route<Handler>[] = [
  { method: "GET", template: "/networks", handler: list },
  { method: "POST", template: "/networks", handler: create },
  {
    method: "GET",
    template: "/networks/{id}",
    handler: (req, ctx) => ({
      status: 200,
      body: { network: networkView(findNetwork(ctx.store.state, idParam(req))) },
    }),
  },
  { method: "PUT", template: "/networks/{id}", handler: update },
  { method: "DELETE", template: "/networks/{id}", handler: remove },
  ...Object.entries(CHANGES).map(([name, change]) => ({
    method: "POST",
    template: `/networks/{id}/actions/${name}`,
    handler: actionHandler(name, change),
  })),
];
