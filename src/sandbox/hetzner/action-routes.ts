/**
 * Reading actions: GET /actions?id=… (ids required: listing every action was removed from the API in
 * January 2025, and this endpoint's response has no pagination), /actions/{id}, /servers/actions
 * (id, status, sort, pagination), /servers/actions/{id}, /servers/{id}/actions and
 * /servers/{id}/actions/{action_id}. Actions outlive their server: a deleted server's delete action
 * stays readable through the first four.
 */
import { actionView, touches } from "./actions.ts";
import type { Handler } from "./context.ts";
import { invalidField, notFound } from "./errors.ts";
import { enumParams, idParam, listResponse, parseId } from "./list-query.ts";
import type { Route } from "./router.ts";
import { findServer } from "./server-routes.ts";
import type { ActionRecord, State } from "./state.ts";

const SORT = {
  id: (a: ActionRecord) => a.id,
  command: (a: ActionRecord) => a.command,
  status: (a: ActionRecord) => a.status,
  started: (a: ActionRecord) => a.started,
  finished: (a: ActionRecord) => a.finished,
};

const isServerAction = (a: ActionRecord) => a.resources.some((r) => r.type === "server");

function find(actions: readonly ActionRecord[], id: number): ActionRecord {
  const action = actions.find((a) => a.id === id);
  if (!action) throw notFound(`Action with ID ${id}`);
  return action;
}

const getByIds: Handler = (req, ctx) => {
  const raw = req.query.getAll("id");
  if (raw.length === 0) throw invalidField("id", "Missing data for required field.");
  const ids = raw.map((r) => parseId(r, "id"));
  const actions = ctx.store.state.actions.filter((a) => ids.includes(a.id)).map(actionView);
  return { status: 200, body: { actions } };
};

function listOf(
  pick: (req: Parameters<Handler>[0], all: readonly ActionRecord[]) => readonly ActionRecord[],
): Handler {
  return (req, ctx) => {
    const statuses = enumParams(req.query, "status", ["running", "success", "error"]);
    const ids = req.query.getAll("id").map((r) => parseId(r, "id"));
    const all = pick(req, ctx.store.state.actions);
    return listResponse(req, all, {
      key: "actions",
      view: actionView,
      sort: SORT,
      filters: [
        (a) => statuses.length === 0 || statuses.includes(a.status),
        (a) => ids.length === 0 || ids.includes(a.id),
      ],
    });
  };
}

export const actionRoutes: Route<Handler>[] = [
  { method: "GET", template: "/actions", handler: getByIds },
  {
    method: "GET",
    template: "/actions/{id}",
    handler: (req, ctx) => ({
      status: 200,
      body: { action: actionView(find(ctx.store.state.actions, idParam(req))) },
    }),
  },
  { method: "GET", template: "/servers/actions", handler: listOf((_req, all) => all.filter(isServerAction)) },
  {
    method: "GET",
    template: "/servers/actions/{id}",
    handler: (req, ctx) => ({
      status: 200,
      body: { action: actionView(find(ctx.store.state.actions.filter(isServerAction), idParam(req))) },
    }),
  },
  {
    method: "GET",
    template: "/servers/{id}/actions",
    handler: (req, ctx) => {
      const server = findServer(ctx.store.state, idParam(req));
      return listOf((_r, all) => all.filter((a) => touches(a, { id: server.id, type: "server" })))(req, ctx);
    },
  },
  {
    method: "GET",
    template: "/servers/{id}/actions/{action_id}",
    handler: (req, ctx) => {
      const server = findServer(ctx.store.state, idParam(req));
      const mine = ctx.store.state.actions.filter((a) => touches(a, { id: server.id, type: "server" }));
      return { status: 200, body: { action: actionView(find(mine, idParam(req, "action_id"))) } };
    },
  },
];

/**
 * The action endpoints of another resource kind, like the server ones: `/{base}/actions`,
 * `/{base}/actions/{id}`, `/{base}/{id}/actions` and `/{base}/{id}/actions/{action_id}`.
 * `findResource` throws not_found for a missing resource.
 */
export function resourceActionRoutes(
  type: string,
  base: string,
  findResource: (state: State, id: number) => { id: number },
): Route<Handler>[] {
  const ofType = (a: ActionRecord) => a.resources.some((r) => r.type === type);
  const ofResource = (id: number) => (a: ActionRecord) => touches(a, { id, type });
  return [
    { method: "GET", template: `${base}/actions`, handler: listOf((_req, all) => all.filter(ofType)) },
    {
      method: "GET",
      template: `${base}/actions/{id}`,
      handler: (req, ctx) => ({
        status: 200,
        body: { action: actionView(find(ctx.store.state.actions.filter(ofType), idParam(req))) },
      }),
    },
    {
      method: "GET",
      template: `${base}/{id}/actions`,
      handler: (req, ctx) => {
        const resource = findResource(ctx.store.state, idParam(req));
        return listOf((_r, all) => all.filter(ofResource(resource.id)))(req, ctx);
      },
    },
    {
      method: "GET",
      template: `${base}/{id}/actions/{action_id}`,
      handler: (req, ctx) => {
        const resource = findResource(ctx.store.state, idParam(req));
        const mine = ctx.store.state.actions.filter(ofResource(resource.id));
        return { status: 200, body: { action: actionView(find(mine, idParam(req, "action_id"))) } };
      },
    },
  ];
}
