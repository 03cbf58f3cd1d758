/**
 * /primary_ips: list (name, label_selector, ip, sort id/created, pagination), get, create (optionally
 * assigned), update (name, labels, auto_delete), delete, and the actions assign, unassign, change_dns_ptr
 * and change_protection. Assigning and unassigning need the server powered off, as on Hetzner; deleting
 * an assigned IP answers `must_be_unassigned` (Hetzner's rule since 1 May 2026). Addresses come from
 * the sandbox's public pool (PUBLIC_RANGES.servers); IPv6 is refused: the sandbox routes none.
 */
import { actionView, assertUnlocked, finishAction, startAction } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { DATACENTERS, LOCATIONS } from "./catalog.ts";
import { type Context, commit, type Handler } from "./context.ts";
import { ApiError, invalidField, notFound, uniquenessError, unsupported } from "./errors.ts";
import { idParam, listResponse } from "./list-query.ts";
import { startRealizingActions } from "./network-realization.ts";
import {
  allocatePublicIpv4,
  assertCanTakeIpv4,
  assignPrimaryIp,
  primaryIpView,
  unassignPrimaryIp,
} from "./primary-ip-assignment.ts";
import type { Route } from "./router.ts";
import { findServer } from "./server-routes.ts";
import { defaultDnsPtr } from "./server-view.ts";
import { type PrimaryIpRecord, type State, takeId, timestamp } from "./state.ts";

export function findPrimaryIp(state: State, id: number): PrimaryIpRecord {
  const ip = state.primaryIps.find((p) => p.id === id);
  if (!ip) throw notFound(`Primary IP with ID ${id}`);
  return ip;
}

function assertNameFree(state: State, name: string, except?: number): void {
  if (name.trim() === "") throw invalidField("name", "Shorter than minimum length 1.");
  if (state.primaryIps.some((p) => p.name === name && p.id !== except))
    throw uniquenessError("primary IP name is already used", "name");
}

function byIdOrName<T extends { id: number; name: string }>(items: readonly T[], ref: string | number) {
  return typeof ref === "number" || /^\d+$/.test(ref)
    ? items.find((i) => i.id === Number(ref))
    : items.find((i) => i.name === ref);
}

/** The datacenter of a new primary IP: the assignee's, else the location's first, else the datacenter. */
function datacenterFor(body: Record<string, unknown>, assigneeDatacenter: number | null): number {
  if (assigneeDatacenter !== null) return assigneeDatacenter;
  if (body.location !== undefined) {
    const location = byIdOrName(LOCATIONS, body.location as string | number);
    const dc = location && DATACENTERS.find((d) => d.location === location.name);
    if (!dc) throw invalidField("location", `location ${String(body.location)} not found`);
    return dc.id;
  }
  if (body.datacenter !== undefined) {
    const dc = byIdOrName(DATACENTERS, body.datacenter as string | number);
    if (!dc) throw invalidField("datacenter", `datacenter ${String(body.datacenter)} not found`);
    return dc.id;
  }
  throw invalidField("location", "location is required when the primary IP is not assigned to a server");
}

const list: Handler = (req, ctx) => {
  const ip = req.query.get("ip");
  return listResponse(req, ctx.store.state.primaryIps, {
    key: "primary_ips",
    view: primaryIpView,
    name: (p) => p.name,
    labels: (p) => p.labels,
    sort: { id: (p) => p.id, created: (p) => p.created },
    filters: ip === null ? [] : [(p) => p.ip === ip],
  });
};

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/primary_ips");
  const state = ctx.store.state;
  assertNameFree(state, body.name as string);
  if (body.type === "ipv6") throw unsupported("the sandbox has no IPv6: create primary IPs of type ipv4");
  const assigneeId = (body.assignee_id as number | null | undefined) ?? null;
  const server = assigneeId === null ? null : findServer(state, assigneeId);
  if (server) assertCanTakeIpv4(state, server);
  const ip = allocatePublicIpv4(state, ctx.ipv4Pool);
  const record: PrimaryIpRecord = {
    id: takeId(state, "primaryIp"),
    name: body.name as string,
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    created: timestamp(),
    type: "ipv4",
    ip,
    datacenterId: datacenterFor(body, server?.datacenterId ?? null),
    dnsPtr: [{ ip, dns_ptr: defaultDnsPtr(ip) }],
    protection: { delete: false },
    autoDelete: (body.auto_delete as boolean | undefined) ?? false,
    assigneeId: null,
  };
  state.primaryIps.push(record);
  if (!server) {
    commit(ctx);
    return { status: 201, body: { primary_ip: primaryIpView(record) } };
  }
  assignPrimaryIp(state, record, server);
  const [action] = startRealizingActions(ctx, [
    {
      command: "create_primary_ip",
      resources: [
        { id: record.id, type: "primary_ip" },
        { id: server.id, type: "server" },
      ],
    },
  ]);
  return { status: 201, body: { primary_ip: primaryIpView(record), action: action && actionView(action) } };
};

const update: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const record = findPrimaryIp(state, idParam(req));
  const body = checkedBody(req, "/primary_ips/{id}");
  if (typeof body.name === "string") {
    assertNameFree(state, body.name, record.id);
    record.name = body.name;
  }
  if (body.labels) record.labels = body.labels as Record<string, string>;
  if (typeof body.auto_delete === "boolean") record.autoDelete = body.auto_delete;
  commit(ctx);
  return { status: 200, body: { primary_ip: primaryIpView(record) } };
};

const remove: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const record = findPrimaryIp(state, idParam(req));
  if (record.protection.delete)
    throw new ApiError("protected", `primary IP ${record.id} is protected against deletion`);
  if (record.assigneeId !== null)
    throw new ApiError(
      "must_be_unassigned",
      `primary IP ${record.id} is assigned to server ${record.assigneeId}: unassign it first`,
    );
  state.primaryIps = state.primaryIps.filter((p) => p.id !== record.id);
  commit(ctx);
  return { status: 204 };
};

function refs(record: PrimaryIpRecord, serverId: number | null) {
  return [
    { id: record.id, type: "primary_ip" },
    ...(serverId === null ? [] : [{ id: serverId, type: "server" }]),
  ];
}

function assertStopped(state: State, serverId: number): void {
  const server = findServer(state, serverId);
  assertUnlocked(state, { id: server.id, type: "server" }, `server ${server.id}`);
  if (server.status !== "off")
    throw new ApiError("server_not_stopped", `server ${server.id} is running; power it off first`);
}

const assign: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const record = findPrimaryIp(state, idParam(req));
  const body = checkedBody(req, "/primary_ips/{id}/actions/assign");
  assertUnlocked(state, { id: record.id, type: "primary_ip" }, `primary IP ${record.id}`);
  const server = findServer(state, body.assignee_id as number);
  if (record.assigneeId !== null && record.assigneeId !== server.id)
    throw new ApiError(
      "primary_ip_already_assigned",
      `primary IP ${record.id} is assigned to server ${record.assigneeId}`,
    );
  assertStopped(state, server.id);
  assertCanTakeIpv4(state, server);
  if (record.datacenterId !== server.datacenterId)
    throw new ApiError(
      "primary_ip_datacenter_mismatch",
      `primary IP ${record.id} is in another datacenter than server ${server.id}`,
    );
  assignPrimaryIp(state, record, server);
  const [action] = startRealizingActions(ctx, [
    { command: "assign_primary_ip", resources: refs(record, server.id) },
  ]);
  return { status: 201, body: { action: action && actionView(action) } };
};

const unassign: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const record = findPrimaryIp(state, idParam(req));
  assertUnlocked(state, { id: record.id, type: "primary_ip" }, `primary IP ${record.id}`);
  const serverId = record.assigneeId;
  if (serverId !== null) {
    assertStopped(state, serverId);
    unassignPrimaryIp(state, record);
  }
  const [action] = startRealizingActions(ctx, [
    { command: "unassign_primary_ip", resources: refs(record, serverId) },
  ]);
  return { status: 201, body: { action: action && actionView(action) } };
};

/** Bookkeeping actions: nothing to realize, so they succeed at once. */
function instant(ctx: Context, command: string, record: PrimaryIpRecord) {
  const action = startAction(ctx.store.state, command, refs(record, null));
  finishAction(action);
  commit(ctx);
  return { status: 201, body: { action: actionView(action) } };
}

const changeDnsPtr: Handler = (req, ctx) => {
  const record = findPrimaryIp(ctx.store.state, idParam(req));
  const body = checkedBody(req, "/primary_ips/{id}/actions/change_dns_ptr");
  if (body.ip !== record.ip)
    throw invalidField("ip", `${String(body.ip)} is not the address of primary IP ${record.id}`);
  const ptr = (body.dns_ptr as string | null | undefined) ?? null;
  record.dnsPtr = [{ ip: record.ip, dns_ptr: ptr ?? defaultDnsPtr(record.ip) }];
  return instant(ctx, "change_dns_ptr", record);
};

const changeProtection: Handler = (req, ctx) => {
  const record = findPrimaryIp(ctx.store.state, idParam(req));
  const body = checkedBody(req, "/primary_ips/{id}/actions/change_protection");
  if (typeof body.delete === "boolean") record.protection.delete = body.delete;
  return instant(ctx, "change_protection", record);
};

export const primaryIpRoutes: Route<Handler>[] = [
  { method: "GET", template: "/primary_ips", handler: list },
  { method: "POST", template: "/primary_ips", handler: create },
  {
    method: "GET",
    template: "/primary_ips/{id}",
    handler: (req, ctx) => ({
      status: 200,
      body: { primary_ip: primaryIpView(findPrimaryIp(ctx.store.state, idParam(req))) },
    }),
  },
  { method: "PUT", template: "/primary_ips/{id}", handler: update },
  { method: "DELETE", template: "/primary_ips/{id}", handler: remove },
  { method: "POST", template: "/primary_ips/{id}/actions/assign", handler: assign },
  { method: "POST", template: "/primary_ips/{id}/actions/unassign", handler: unassign },
  { method: "POST", template: "/primary_ips/{id}/actions/change_dns_ptr", handler: changeDnsPtr },
  { method: "POST", template: "/primary_ips/{id}/actions/change_protection", handler: changeProtection },
];
