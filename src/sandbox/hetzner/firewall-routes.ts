/**
 * /firewalls: list (name, label_selector, sort id/name/created, pagination), get, create (rules and
 * apply_to), update (name, labels), delete (refused with `resource_in_use` while applied), and the actions
 * set_rules, apply_to_resources and remove_from_resources. Each action answers with Hetzner's commands:
 * `set_firewall_rules` on the firewall, `apply_firewall` / `remove_firewall` on the firewall and the
 * servers it reaches; they end once the driver has enforced the new rules.
 */
import { actionView } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { commit, type Handler } from "./context.ts";
import { ApiError, invalidField, notFound, uniquenessError } from "./errors.ts";
import { appliedToView, firewallsOfServer, serversOfTarget } from "./firewall-membership.ts";
import { checkRules } from "./firewall-rules.ts";
import { LabelSelectorError, parseLabelSelector } from "./label-selector.ts";
import { idParam, listResponse } from "./list-query.ts";
import { realizeLater, startRealizingActions } from "./network-realization.ts";
import type { Route } from "./router.ts";
import {
  type FirewallRecord,
  type FirewallRuleRecord,
  type FirewallTarget,
  type State,
  takeId,
  timestamp,
} from "./state.ts";

/** At most 5 firewalls per server, counting those applied through label selectors. */
const MAX_FIREWALLS_PER_SERVER = 5;

export function firewallView(state: State, fw: FirewallRecord) {
  return {
    id: fw.id,
    name: fw.name,
    labels: { ...fw.labels },
    created: fw.created,
    rules: fw.rules.map((r) => ({
      ...r,
      source_ips: [...r.source_ips],
      destination_ips: [...r.destination_ips],
    })),
    applied_to: appliedToView(state, fw),
  };
}

export function findFirewall(state: State, id: number): FirewallRecord {
  const fw = state.firewalls.find((f) => f.id === id);
  if (!fw) throw notFound(`Firewall with ID ${id}`);
  return fw;
}

interface TargetInput {
  type: "server" | "label_selector";
  server?: { id: number };
  label_selector?: { selector: string };
}

/** Parses apply_to / remove_from entries; the field is named in errors. */
function targetsOf(inputs: readonly TargetInput[], field: string): FirewallTarget[] {
  return inputs.map((t, i) => {
    if (t.type === "server") {
      if (!t.server) throw invalidField(`${field}[${i}].server`, "Missing data for required field.");
      return { type: "server", serverId: t.server.id };
    }
    const selector = t.label_selector?.selector;
    if (selector === undefined)
      throw invalidField(`${field}[${i}].label_selector`, "Missing data for required field.");
    try {
      parseLabelSelector(selector);
    } catch (e) {
      if (e instanceof LabelSelectorError)
        throw invalidField(`${field}[${i}].label_selector.selector`, `Invalid label selector: ${e.message}.`);
      throw e;
    }
    return { type: "label_selector", selector };
  });
}

const sameTarget = (a: FirewallTarget, b: FirewallTarget) =>
  a.type === "server" && b.type === "server"
    ? a.serverId === b.serverId
    : a.type === "label_selector" && b.type === "label_selector" && a.selector === b.selector;

/** Adds targets to the firewall with the spec's errors; returns the servers each new target reaches. */
function applyTargets(state: State, fw: FirewallRecord, targets: readonly FirewallTarget[]): number[][] {
  for (const [i, target] of targets.entries()) {
    if (targets.findIndex((t) => sameTarget(t, target)) !== i)
      throw new ApiError("server_already_added", "the same resource is given more than once");
    if (fw.appliedTo.some((t) => sameTarget(t, target)))
      throw new ApiError("firewall_already_applied", `firewall ${fw.id} is already applied to this resource`);
    if (target.type === "server") {
      const server = state.servers.find((s) => s.id === target.serverId);
      if (!server) throw new ApiError("firewall_resource_not_found", `server ${target.serverId} not found`);
      if (server.publicIpv4 === null)
        throw new ApiError("private_net_only_server", `server ${server.id} has no public interface`);
    }
  }
  fw.appliedTo.push(...targets);
  for (const server of state.servers) {
    if (firewallsOfServer(state, server.id).length > MAX_FIREWALLS_PER_SERVER) {
      fw.appliedTo = fw.appliedTo.filter((t) => !targets.includes(t));
      throw new ApiError(
        "resource_limit_exceeded",
        `server ${server.id} would have more than ${MAX_FIREWALLS_PER_SERVER} firewalls`,
      );
    }
  }
  return targets.map((t) => serversOfTarget(state, t).map((s) => s.id));
}

function serverActions(command: string, fw: FirewallRecord, servers: readonly number[]) {
  return servers.map((id) => ({
    command,
    resources: [
      { id: fw.id, type: "firewall" },
      { id, type: "server" },
    ],
  }));
}

function assertNameFree(state: State, name: string, except?: number): void {
  if (name.trim() === "") throw invalidField("name", "Shorter than minimum length 1.");
  if (state.firewalls.some((f) => f.name === name && f.id !== except))
    throw uniquenessError("firewall name is already used", "name");
}

const list: Handler = (req, ctx) =>
  listResponse(req, ctx.store.state.firewalls, {
    key: "firewalls",
    view: (fw) => firewallView(ctx.store.state, fw),
    name: (fw) => fw.name,
    labels: (fw) => fw.labels,
    sort: { id: (fw) => fw.id, name: (fw) => fw.name, created: (fw) => fw.created },
  });

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/firewalls");
  const state = ctx.store.state;
  assertNameFree(state, body.name as string);
  const fw: FirewallRecord = {
    id: 0,
    name: body.name as string,
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    created: timestamp(),
    rules: checkRules((body.rules as Parameters<typeof checkRules>[0] | undefined) ?? [], "rules"),
    appliedTo: [],
  };
  const targets = targetsOf((body.apply_to as TargetInput[] | undefined) ?? [], "apply_to");
  fw.id = takeId(state, "firewall");
  state.firewalls.push(fw);
  let reached: number[][];
  try {
    reached = applyTargets(state, fw, targets);
  } catch (error) {
    state.firewalls = state.firewalls.filter((f) => f !== fw);
    throw error;
  }
  const actions = startRealizingActions(ctx, [
    ...(fw.rules.length > 0
      ? [{ command: "set_firewall_rules", resources: [{ id: fw.id, type: "firewall" }] }]
      : []),
    ...serverActions("apply_firewall", fw, [...new Set(reached.flat())]),
  ]);
  return { status: 201, body: { firewall: firewallView(state, fw), actions: actions.map(actionView) } };
};

const update: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const fw = findFirewall(state, idParam(req));
  const body = checkedBody(req, "/firewalls/{id}");
  if (typeof body.name === "string") {
    assertNameFree(state, body.name, fw.id);
    fw.name = body.name;
  }
  if (body.labels) fw.labels = body.labels as Record<string, string>;
  commit(ctx);
  return { status: 200, body: { firewall: firewallView(state, fw) } };
};

const remove: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const fw = findFirewall(state, idParam(req));
  if (fw.appliedTo.length > 0)
    throw new ApiError("resource_in_use", `firewall ${fw.id} is still applied to resources: remove it first`);
  state.firewalls = state.firewalls.filter((f) => f.id !== fw.id);
  commit(ctx);
  realizeLater(ctx);
  return { status: 204 };
};

const setRules: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const fw = findFirewall(state, idParam(req));
  const body = checkedBody(req, "/firewalls/{id}/actions/set_rules");
  fw.rules = checkRules(
    body.rules as Parameters<typeof checkRules>[0],
    "rules",
  ) satisfies FirewallRuleRecord[];
  const servers = [...new Set(fw.appliedTo.flatMap((t) => serversOfTarget(state, t).map((s) => s.id)))];
  const actions = startRealizingActions(ctx, [
    { command: "set_firewall_rules", resources: [{ id: fw.id, type: "firewall" }] },
    ...serverActions("apply_firewall", fw, servers),
  ]);
  return { status: 201, body: { actions: actions.map(actionView) } };
};

const applyToResources: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const fw = findFirewall(state, idParam(req));
  const body = checkedBody(req, "/firewalls/{id}/actions/apply_to_resources");
  const reached = applyTargets(state, fw, targetsOf(body.apply_to as TargetInput[], "apply_to"));
  const actions = startRealizingActions(
    ctx,
    serverActions("apply_firewall", fw, [...new Set(reached.flat())]),
  );
  return { status: 201, body: { actions: actions.map(actionView) } };
};

const removeFromResources: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const fw = findFirewall(state, idParam(req));
  const body = checkedBody(req, "/firewalls/{id}/actions/remove_from_resources");
  const targets = targetsOf(body.remove_from as TargetInput[], "remove_from");
  const servers: number[] = [];
  for (const target of targets) {
    const applied = fw.appliedTo.find((t) => sameTarget(t, target));
    if (!applied) {
      const viaSelector =
        target.type === "server" &&
        fw.appliedTo.some((t) => serversOfTarget(state, t).some((s) => s.id === target.serverId));
      if (viaSelector)
        throw new ApiError(
          "firewall_managed_by_label_selector",
          `firewall ${fw.id} is applied to server ${target.type === "server" ? target.serverId : ""} through a label selector; remove the selector instead`,
        );
      throw new ApiError("firewall_resource_not_found", `firewall ${fw.id} is not applied to this resource`);
    }
    servers.push(...serversOfTarget(state, applied).map((s) => s.id));
    fw.appliedTo = fw.appliedTo.filter((t) => t !== applied);
  }
  const actions = startRealizingActions(ctx, serverActions("remove_firewall", fw, [...new Set(servers)]));
  return { status: 201, body: { actions: actions.map(actionView) } };
};

export const firewallRoutes: Route<Handler>[] = [
  { method: "GET", template: "/firewalls", handler: list },
  { method: "POST", template: "/firewalls", handler: create },
  {
    method: "GET",
    template: "/firewalls/{id}",
    handler: (req, ctx) => ({
      status: 200,
      body: { firewall: firewallView(ctx.store.state, findFirewall(ctx.store.state, idParam(req))) },
    }),
  },
  { method: "PUT", template: "/firewalls/{id}", handler: update },
  { method: "DELETE", template: "/firewalls/{id}", handler: remove },
  { method: "POST", template: "/firewalls/{id}/actions/set_rules", handler: setRules },
  { method: "POST", template: "/firewalls/{id}/actions/apply_to_resources", handler: applyToResources },
  { method: "POST", template: "/firewalls/{id}/actions/remove_from_resources", handler: removeFromResources },
];
