/**
 * /servers: list (name, label_selector, status, sort id/name/created, pagination), get, update (name,
 * labels), delete (an action; the server shows `deleting` until the driver has destroyed the machine,
 * then disappears and its IPv4 returns to the pool), and the power actions poweron, poweroff, shutdown,
 * reboot and reset. The driver has no reset, so a reset is a hard power off followed by power on.
 */
import { actionView } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { type Context, commit, type Handler } from "./context.ts";
import { invalidField, notFound, uniquenessError } from "./errors.ts";
import { isValidHostname } from "./hostname.ts";
import { enumParams, idParam, listResponse } from "./list-query.ts";
import { realizeLater } from "./network-realization.ts";
import type { Route } from "./router.ts";
import { createServer } from "./server-create.ts";
import { runTransition, type Transition } from "./server-lifecycle.ts";
import { serverView } from "./server-view.ts";
import type { ServerRecord, ServerStatus, State } from "./state.ts";

const STATUSES: readonly ServerStatus[] = [
  "running",
  "initializing",
  "starting",
  "stopping",
  "off",
  "deleting",
  "migrating",
  "rebuilding",
  "unknown",
];

export function findServer(state: State, id: number): ServerRecord {
  const server = state.servers.find((s) => s.id === id);
  if (!server) throw notFound(`Server with ID ${id}`);
  return server;
}

const list: Handler = (req, ctx) => {
  const statuses = enumParams(req.query, "status", STATUSES);
  return listResponse(req, ctx.store.state.servers, {
    key: "servers",
    view: (s) => serverView(s, ctx.store.state),
    name: (s) => s.name,
    labels: (s) => s.labels,
    sort: { id: (s) => s.id, name: (s) => s.name, created: (s) => s.created },
    filters: statuses.length === 0 ? [] : [(s) => statuses.includes(s.status)],
  });
};

const get: Handler = (req, ctx) => ({
  status: 200,
  body: { server: serverView(findServer(ctx.store.state, idParam(req)), ctx.store.state) },
});

const update: Handler = (req, ctx) => {
  const server = findServer(ctx.store.state, idParam(req));
  const body = checkedBody(req, "/servers/{id}");
  if (typeof body.name === "string") {
    if (!isValidHostname(body.name)) throw invalidField("name", "must be a valid hostname (RFC 1123)");
    if (ctx.store.state.servers.some((s) => s.name === body.name && s.id !== server.id)) {
      throw uniquenessError("server name is already used", "name");
    }
    server.name = body.name;
  }
  if (body.labels) {
    server.labels = body.labels as Record<string, string>;
    realizeLater(ctx); // label selectors of firewalls may now match it, or no longer
  }
  commit(ctx);
  return { status: 200, body: { server: serverView(server, ctx.store.state) } };
};

type TransitionOf = (ctx: Context, server: ServerRecord) => Transition;

/** The transition each action endpoint runs. */
export const POWER_ACTIONS: Readonly<Record<string, TransitionOf>> = {
  poweron: (ctx, s) => ({
    commands: ["start_server"],
    during: "starting",
    after: "running",
    effect: () => ctx.driver.powerOn(s.id),
  }),
  poweroff: (ctx, s) => ({
    commands: ["stop_server"],
    during: "stopping",
    after: "off",
    effect: () => ctx.driver.powerOff(s.id),
  }),
  shutdown: (ctx, s) => ({
    commands: ["shutdown_server"],
    during: "stopping",
    after: "off",
    effect: () => ctx.driver.shutdown(s.id),
  }),
  reboot: (ctx, s) => ({
    commands: ["reboot_server"],
    during: "running",
    after: "running",
    effect: () => ctx.driver.reboot(s.id),
  }),
  reset: (ctx, s) => ({
    commands: ["reset_server"],
    during: "running",
    after: "running",
    effect: async () => {
      await ctx.driver.powerOff(s.id);
      await ctx.driver.powerOn(s.id);
    },
  }),
};

function actionHandler(transition: TransitionOf): Handler {
  return (req, ctx) => {
    const server = findServer(ctx.store.state, idParam(req));
    const [action] = runTransition(ctx, server, transition(ctx, server));
    return { status: 201, body: { action: action && actionView(action) } };
  };
}

const remove: Handler = (req, ctx) => {
  const server = findServer(ctx.store.state, idParam(req));
  const [action] = runTransition(ctx, server, {
    commands: ["delete_server"],
    during: "deleting",
    after: "deleted",
    effect: () => ctx.driver.destroy(server.id),
  });
  return { status: 200, body: { action: action && actionView(action) } };
};

export const serverRoutes: Route<Handler>[] = [
  { method: "GET", template: "/servers", handler: list },
  { method: "POST", template: "/servers", handler: createServer },
  { method: "GET", template: "/servers/{id}", handler: get },
  { method: "PUT", template: "/servers/{id}", handler: update },
  { method: "DELETE", template: "/servers/{id}", handler: remove },
  ...Object.entries(POWER_ACTIONS).map(([name, transition]) => ({
    method: "POST",
    template: `/servers/{id}/actions/${name}`,
    handler: actionHandler(transition),
  })),
];
