/**
 * Load balancers on private networks: attach_to_network, detach_from_network and the planning shared
 * with create (`network`). As on Hetzner a load balancer sits in at most one network
 * (load_balancer_already_attached), takes the requested IP or the lowest free one of a cloud subnet in
 * its location's network zone (ip_not_available, no_subnet_available), and cannot leave the network
 * while targets use their private IPs or while its public interface is off. The attachment is kept on
 * the network record, beside the servers', so addresses are allocated from one list.
 */

import { LOCATIONS } from "./catalog.ts";
import { ApiError, invalidField } from "./errors.ts";
import type { LoadBalancerRecord } from "./load-balancer-model.ts";
import { chooseAddress } from "./network-addressing.ts";
import { findNetwork } from "./network-routes.ts";
import type { NetworkRecord, State } from "./state.ts";

export interface LoadBalancerAttachRequest {
  readonly ip?: string;
  readonly ipRange?: string;
}

function zoneOf(lb: LoadBalancerRecord): string {
  const zone = LOCATIONS.find((l) => l.id === lb.locationId)?.network_zone;
  if (!zone) throw new Error(`load balancer ${lb.id} has a location the catalog lacks`);
  return zone;
}

/** The IP the load balancer would get on the network; throws the operation's errors, changes nothing. */
export function planLoadBalancerIp(
  state: State,
  lb: LoadBalancerRecord,
  network: NetworkRecord,
  request: LoadBalancerAttachRequest,
): string {
  if (state.networks.some((n) => (n.loadBalancers ?? []).some((a) => a.loadBalancerId === lb.id)))
    throw new ApiError(
      "load_balancer_already_attached",
      `load balancer ${lb.id} is already attached to a network`,
    );
  return chooseAddress(network, zoneOf(lb), (s) => s.type === "cloud", "cloud subnet", request);
}

/** Records the attachment; `planLoadBalancerIp` must have approved `ip`. */
export function addLoadBalancerAttachment(network: NetworkRecord, lbId: number, ip: string): void {
  network.loadBalancers = [...(network.loadBalancers ?? []), { loadBalancerId: lbId, ip }];
}

/** The network a request names, for the load balancer actions. */
export function networkOfRequest(state: State, id: number): NetworkRecord {
  return findNetwork(state, id);
}

/** Throws unless the load balancer may leave the network. */
export function assertDetachable(lb: LoadBalancerRecord, network: NetworkRecord): void {
  if (!(network.loadBalancers ?? []).some((a) => a.loadBalancerId === lb.id))
    throw invalidField("network", `load balancer ${lb.id} is not attached to network ${network.id}`);
  if (!lb.publicInterface)
    throw new ApiError(
      "load_balancer_public_interface_disabled",
      `enable the public interface of load balancer ${lb.id} before detaching it from its only network`,
    );
  if (lb.targets.some((t) => t.type !== "ip" && t.usePrivateIp))
    throw invalidField(
      "network",
      `targets of load balancer ${lb.id} use private IPs on network ${network.id}`,
    );
}

/** Removes the load balancer from every network (on delete). */
export function detachLoadBalancerFromAll(state: State, lbId: number): void {
  for (const network of state.networks) {
    if (network.loadBalancers)
      network.loadBalancers = network.loadBalancers.filter((a) => a.loadBalancerId !== lbId);
  }
}
