/**
 * /placement_groups (type spread): list (name, label_selector, type, sort id/name/created, pagination),
 * get, create, update (name, labels), delete; and the server actions add_to_placement_group (server off,
 * not yet in a group) and remove_from_placement_group. A spread group holds at most 10 servers: the
 * 11th fails with `placement_error`, as on Hetzner. Placement has no effect on sandbox machines.
 */
import { actionView, assertUnlocked, finishAction, startAction } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { type Context, commit, type Handler } from "./context.ts";
import { ApiError, invalidField, notFound, uniquenessError } from "./errors.ts";
import { enumParams, idParam, listResponse } from "./list-query.ts";
import type { Route } from "./router.ts";
import { findServer } from "./server-routes.ts";
import { type PlacementGroupRecord, type ServerRecord, type State, takeId, timestamp } from "./state.ts";

export const SPREAD_GROUP_LIMIT = 10;

export function placementGroupView(pg: PlacementGroupRecord) {
  return {
    id: pg.id,
    name: pg.name,
    labels: { ...pg.labels },
    type: pg.type,
    created: pg.created,
    servers: [...pg.servers],
  };
}

export function findPlacementGroup(state: State, id: number): PlacementGroupRecord {
  const pg = state.placementGroups.find((p) => p.id === id);
  if (!pg) throw notFound(`Placement group with ID ${id}`);
  return pg;
}

/** The group a server belongs to, or null: the server view's `placement_group`. */
export function placementGroupOf(state: State, serverId: number) {
  const pg = state.placementGroups.find((p) => p.servers.includes(serverId));
  return pg ? placementGroupView(pg) : null;
}

/** Throws `placement_error` when the group cannot take another server. */
export function assertRoomFor(pg: PlacementGroupRecord): void {
  if (pg.servers.length >= SPREAD_GROUP_LIMIT)
    throw new ApiError(
      "placement_error",
      `placement group ${pg.id} is full: a spread group holds at most ${SPREAD_GROUP_LIMIT} servers`,
    );
}

function assertNameFree(state: State, name: string, except?: number): void {
  if (name.trim() === "") throw invalidField("name", "Shorter than minimum length 1.");
  if (state.placementGroups.some((p) => p.name === name && p.id !== except))
    throw uniquenessError("placement group name is already used", "name");
}

const list: Handler = (req, ctx) => {
  const types = enumParams(req.query, "type", ["spread"]);
  return listResponse(req, ctx.store.state.placementGroups, {
    key: "placement_groups",
    view: placementGroupView,
    name: (p) => p.name,
    labels: (p) => p.labels,
    sort: { id: (p) => p.id, name: (p) => p.name, created: (p) => p.created },
    filters: types.length === 0 ? [] : [(p) => types.includes(p.type)],
  });
};

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/placement_groups");
  const state = ctx.store.state;
  assertNameFree(state, body.name as string);
  const pg: PlacementGroupRecord = {
    id: takeId(state, "placementGroup"),
    name: body.name as string,
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    type: "spread",
    created: timestamp(),
    servers: [],
  };
  state.placementGroups.push(pg);
  commit(ctx);
  return { status: 201, body: { placement_group: placementGroupView(pg) } };
};

const update: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const pg = findPlacementGroup(state, idParam(req));
  const body = checkedBody(req, "/placement_groups/{id}");
  if (typeof body.name === "string") {
    assertNameFree(state, body.name, pg.id);
    pg.name = body.name;
  }
  if (body.labels) pg.labels = body.labels as Record<string, string>;
  commit(ctx);
  return { status: 200, body: { placement_group: placementGroupView(pg) } };
};

const remove: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const pg = findPlacementGroup(state, idParam(req));
  if (pg.servers.length > 0)
    throw new ApiError("resource_in_use", `placement group ${pg.id} still has servers: remove them first`);
  state.placementGroups = state.placementGroups.filter((p) => p.id !== pg.id);
  commit(ctx);
  return { status: 204 };
};

/** A bookkeeping-only server action: it succeeds at once, since nothing about the machine changes. */
function instantAction(ctx: Context, command: string, server: ServerRecord, pg: PlacementGroupRecord) {
  const action = startAction(ctx.store.state, command, [
    { id: server.id, type: "server" },
    { id: pg.id, type: "placement_group" },
  ]);
  finishAction(action);
  commit(ctx);
  return { status: 201, body: { action: actionView(action) } };
}

const addServer: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const server = findServer(state, idParam(req));
  const body = checkedBody(req, "/servers/{id}/actions/add_to_placement_group");
  const pg = findPlacementGroup(state, body.placement_group as number);
  assertUnlocked(state, { id: server.id, type: "server" }, `server ${server.id}`);
  if (server.status !== "off")
    throw new ApiError("server_not_stopped", `server ${server.id} must be powered off`);
  if (state.placementGroups.some((p) => p.servers.includes(server.id)))
    throw new ApiError("already_in_placement_group", `server ${server.id} is already in a placement group`);
  assertRoomFor(pg);
  pg.servers.push(server.id);
  return instantAction(ctx, "add_to_placement_group", server, pg);
};

const removeServer: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const server = findServer(state, idParam(req));
  assertUnlocked(state, { id: server.id, type: "server" }, `server ${server.id}`);
  const pg = state.placementGroups.find((p) => p.servers.includes(server.id));
  if (!pg) throw new ApiError("service_error", `server ${server.id} is not in a placement group`);
  pg.servers = pg.servers.filter((id) => id !== server.id);
  return instantAction(ctx, "remove_from_placement_group", server, pg);
};

export const placementGroupRoutes: Route<Handler>[] = [
  { method: "GET", template: "/placement_groups", handler: list },
  { method: "POST", template: "/placement_groups", handler: create },
  {
    method: "GET",
    template: "/placement_groups/{id}",
    handler: (req, ctx) => ({
      status: 200,
      body: { placement_group: placementGroupView(findPlacementGroup(ctx.store.state, idParam(req))) },
    }),
  },
  { method: "PUT", template: "/placement_groups/{id}", handler: update },
  { method: "DELETE", template: "/placement_groups/{id}", handler: remove },
  { method: "POST", template: "/servers/{id}/actions/add_to_placement_group", handler: addServer },
  { method: "POST", template: "/servers/{id}/actions/remove_from_placement_group", handler: removeServer },
];
