/**
 * A server record rendered as the API's Server object, with every field the spec marks required:
 * server type, datacenter, location and image as full objects, public_net (its primary IPv4 and the
 * firewalls applying to it; no IPv6: the sandbox has none to route), private_net and placement group
 * from state, the volumes attached to it and the load balancers balancing to it, protection and
 * traffic counters (zero: not metered).
 */
import { DATACENTERS, IMAGES, PRICES, SERVER_TYPES } from "./catalog.ts";
import { datacenterView, imageView, serverTypeView } from "./catalog-views.ts";
import { serverFirewallsView } from "./firewall-membership.ts";
import { loadBalancersOfServer } from "./load-balancer-targets.ts";
import { privateNetView } from "./network-attach.ts";
import { placementGroupOf } from "./placement-group-routes.ts";
import { publicIpv4View } from "./primary-ip-assignment.ts";
import type { ServerRecord, State } from "./state.ts";
import { volumesOfServer } from "./volume-view.ts";

export function catalogOf(s: ServerRecord) {
  const serverType = SERVER_TYPES.find((t) => t.id === s.serverTypeId);
  const image = IMAGES.find((i) => i.id === s.imageId);
  const datacenter = DATACENTERS.find((d) => d.id === s.datacenterId);
  if (!serverType || !image || !datacenter)
    throw new Error(`server ${s.id} refers to a type, image or datacenter the catalog lacks`);
  return { serverType, image, datacenter };
}

/** Hetzner's default reverse DNS name for an IPv4 address. */
export function defaultDnsPtr(ip: string): string {
  return `static.${ip.split(".").reverse().join(".")}.clients.your-server.de`;
}

export function serverView(s: ServerRecord, state: State) {
  const { serverType, image, datacenter } = catalogOf(s);
  const dc = datacenterView(datacenter);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: publicIpv4View(state, s),
      ipv6: null,
      floating_ips: [],
      firewalls: serverFirewallsView(state, s.id),
    },
    private_net: privateNetView(state, s.id),
    server_type: serverTypeView(serverType),
    datacenter: dc,
    location: dc.location,
    image: imageView(image),
    iso: null,
    rescue_enabled: false,
    locked: false,
    backup_window: null,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: PRICES.includedTrafficBytes,
    protection: { delete: false, rebuild: false },
    labels: { ...s.labels },
    volumes: volumesOfServer(state, s.id),
    load_balancers: loadBalancersOfServer(state, s.id),
    primary_disk_size: serverType.disk,
    placement_group: placementGroupOf(state, s.id),
  };
}
