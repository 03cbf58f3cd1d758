/**
 * A server record rendered as the API's Server object, with every field the spec marks required:
 * server type, datacenter, location and image as full objects, public_net (IPv4 from the sandbox pool,
 * no IPv6: the sandbox has none to route), empty private_net/volumes/load_balancers, protection and
 * traffic counters (zero: the sandbox does not meter traffic).
 */
import { DATACENTERS, IMAGES, PRICES, SERVER_TYPES } from "./catalog.ts";
import { datacenterView, imageView, serverTypeView } from "./catalog-views.ts";
import type { ServerRecord } from "./state.ts";

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

export function serverView(s: ServerRecord) {
  const { serverType, image, datacenter } = catalogOf(s);
  const dc = datacenterView(datacenter);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: s.publicIpv4 ? { ip: s.publicIpv4, blocked: false, dns_ptr: defaultDnsPtr(s.publicIpv4) } : null,
      ipv6: null,
      floating_ips: [],
      firewalls: [],
    },
    private_net: [],
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
    volumes: [],
    load_balancers: [],
    primary_disk_size: serverType.disk,
    placement_group: null,
  };
}
