/**
 * POST /load_balancers/{id}/actions/*: services (add/update/delete_service, by listen port), targets
 * (add/remove_target), change_algorithm, change_type (refused with invalid_load_balancer_type when the
 * new type has fewer services or targets than in use), change_protection, change_dns_ptr,
 * attach_to_network/detach_from_network and enable/disable_public_interface. Each checks what Hetzner
 * checks, changes the record at once and returns an action that ends when the proxy runs the change.
 * A load balancer with a running action is `locked`.
 */
import { actionView, assertUnlocked } from "./actions.ts";
import { checkedBody } from "./body.ts";
import type { Context, Handler } from "./context.ts";
import { ApiError, invalidField } from "./errors.ts";
import { idParam } from "./list-query.ts";
import type { LoadBalancerRecord, ServiceRecord } from "./load-balancer-model.ts";
import {
  addLoadBalancerAttachment,
  assertDetachable,
  networkOfRequest,
  planLoadBalancerIp,
} from "./load-balancer-networks.ts";
import { assertWithinType, findLoadBalancer, resolveLoadBalancerType } from "./load-balancer-routes.ts";
import { assertPortsFree, normaliseService, withServiceDefaults } from "./load-balancer-services.ts";
import { startLoadBalancerAction } from "./load-balancer-sync.ts";
import { checkNewTarget, loadBalancerNetworks, sameTarget, targetOf } from "./load-balancer-targets.ts";
import type { Route } from "./router.ts";

type Json = Record<string, unknown>;

/** What an action does to the load balancer: returns the action's command and extra resources. */
type Change = (
  lb: LoadBalancerRecord,
  body: Json,
  ctx: Context,
) => { command: string; resources?: { id: number; type: string }[] };

function action(name: string, change: Change): Route<Handler> {
  const template = `/load_balancers/{id}/actions/${name}`;
  return {
    method: "POST",
    template,
    handler: (req, ctx) => {
      const lb = findLoadBalancer(ctx.store.state, idParam(req));
      // add_service takes the same defaults as a create's services; every other body is checked as sent.
      const raw = name === "add_service" ? withServiceDefaults(req.body) : req.body;
      const body = checkedBody(req, template, raw);
      assertUnlocked(ctx.store.state, { id: lb.id, type: "load_balancer" }, `load balancer ${lb.id}`);
      const { command, resources } = change(lb, body, ctx);
      const started = startLoadBalancerAction(ctx, lb, command, resources);
      return { status: 201, body: { action: actionView(started) } };
    },
  };
}

function serviceAt(lb: LoadBalancerRecord, listenPort: number): ServiceRecord {
  const service = lb.services.find((s) => s.listen_port === listenPort);
  if (!service)
    throw invalidField("listen_port", `load balancer ${lb.id} has no service on port ${listenPort}`);
  return service;
}

/** Applies `services` if they pass the port and type rules; leaves the record alone otherwise. */
function setServices(lb: LoadBalancerRecord, services: ServiceRecord[]): void {
  assertPortsFree(services);
  assertWithinType({ ...lb, services }, "resource_limit_exceeded");
  lb.services = services;
}

const addService: Change = (lb, body) => {
  setServices(lb, [...lb.services, normaliseService(body)]);
  return { command: "add_service" };
};

const updateService: Change = (lb, body) => {
  const have = serviceAt(lb, body.listen_port as number);
  const updated = normaliseService(body, have);
  setServices(
    lb,
    lb.services.map((s) => (s === have ? updated : s)),
  );
  return { command: "update_service" };
};

const deleteService: Change = (lb, body) => {
  const have = serviceAt(lb, body.listen_port as number);
  lb.services = lb.services.filter((s) => s !== have);
  return { command: "delete_service" };
};

const addTarget: Change = (lb, body, ctx) => {
  const target = targetOf(body);
  checkNewTarget(ctx.store.state, lb, target);
  assertWithinType({ ...lb, targets: [...lb.targets, target] }, "resource_limit_exceeded");
  lb.targets.push(target);
  return { command: "add_target" };
};

const removeTarget: Change = (lb, body) => {
  const wanted = targetOf(body);
  if (!lb.targets.some((t) => sameTarget(t, wanted)))
    throw invalidField("type", "the target is not defined on this load balancer");
  lb.targets = lb.targets.filter((t) => !sameTarget(t, wanted));
  return { command: "remove_target" };
};

const changeAlgorithm: Change = (lb, body) => {
  lb.algorithm = body.type as LoadBalancerRecord["algorithm"];
  return { command: "change_algorithm" };
};

const changeType: Change = (lb, body) => {
  const ref = body.load_balancer_type;
  const type = resolveLoadBalancerType(String(ref));
  assertWithinType({ ...lb, loadBalancerTypeId: type.id }, "invalid_load_balancer_type");
  lb.loadBalancerTypeId = type.id;
  return { command: "change_load_balancer_type" };
};

const changeProtection: Change = (lb, body) => {
  if (typeof body.delete === "boolean") lb.protection.delete = body.delete;
  return { command: "change_protection" };
};

const changeDnsPtr: Change = (lb, body) => {
  if (body.ip !== lb.publicIpv4)
    throw invalidField("ip", `${String(body.ip)} is not an IP address of load balancer ${lb.id}`);
  lb.dnsPtr = (body.dns_ptr as string | null | undefined) ?? null;
  return { command: "change_dns_ptr" };
};

const attachToNetwork: Change = (lb, body, ctx) => {
  const state = ctx.store.state;
  const network = networkOfRequest(state, body.network as number);
  assertUnlocked(state, { id: network.id, type: "network" }, `network ${network.id}`);
  const ip = planLoadBalancerIp(state, lb, network, {
    ip: body.ip as string | undefined,
    ipRange: body.ip_range as string | undefined,
  });
  addLoadBalancerAttachment(network, lb.id, ip);
  return { command: "attach_to_network", resources: [{ id: network.id, type: "network" }] };
};

const detachFromNetwork: Change = (lb, body, ctx) => {
  const state = ctx.store.state;
  const network = networkOfRequest(state, body.network as number);
  assertUnlocked(state, { id: network.id, type: "network" }, `network ${network.id}`);
  assertDetachable(lb, network);
  network.loadBalancers = (network.loadBalancers ?? []).filter((a) => a.loadBalancerId !== lb.id);
  return { command: "detach_from_network", resources: [{ id: network.id, type: "network" }] };
};

const enablePublicInterface: Change = (lb) => {
  lb.publicInterface = true;
  return { command: "enable_public_interface" };
};

const disablePublicInterface: Change = (lb, _body, ctx) => {
  if (loadBalancerNetworks(ctx.store.state, lb.id).length === 0)
    throw new ApiError(
      "load_balancer_not_attached_to_network",
      `load balancer ${lb.id} is not attached to a network: it would be unreachable`,
    );
  if (lb.targets.some((t) => t.type === "ip" || !t.usePrivateIp))
    throw new ApiError(
      "targets_without_use_private_ip",
      `load balancer ${lb.id} has targets that use public IPs`,
    );
  lb.publicInterface = false;
  return { command: "disable_public_interface" };
};

export const loadBalancerActionRoutes: Route<Handler>[] = [
  action("add_service", addService),
  action("update_service", updateService),
  action("delete_service", deleteService),
  action("add_target", addTarget),
  action("remove_target", removeTarget),
  action("change_algorithm", changeAlgorithm),
  action("change_type", changeType),
  action("change_protection", changeProtection),
  action("change_dns_ptr", changeDnsPtr),
  action("attach_to_network", attachToNetwork),
  action("detach_from_network", detachFromNetwork),
  action("enable_public_interface", enablePublicInterface),
  action("disable_public_interface", disablePublicInterface),
];
