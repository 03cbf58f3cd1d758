/**
 * A load balancer record rendered as the API's LoadBalancer object: type and location in full, the
 * public IPv4 from the sandbox's load balancer range (no IPv6: the sandbox routes none), private_net
 * from the networks it is attached to, services as stored, and targets with each service's health as
 * the proxy last checked it (`unknown` before the first check, or without a proxy). A label selector
 * target lists the servers it currently selects. Traffic is not metered: null, as for a new one.
 */
import { LOAD_BALANCER_TYPES, LOCATIONS, PRICES } from "./catalog.ts";
import { loadBalancerTypeView, locationView } from "./catalog-views.ts";
import type { TargetHealth } from "./load-balancer-driver.ts";
import type { LoadBalancerRecord, ServiceRecord } from "./load-balancer-model.ts";
import { loadBalancerNetworks, selectedServers } from "./load-balancer-targets.ts";
import { defaultDnsPtr } from "./server-view.ts";
import type { State } from "./state.ts";

export function catalogOfLoadBalancer(lb: LoadBalancerRecord) {
  const type = LOAD_BALANCER_TYPES.find((t) => t.id === lb.loadBalancerTypeId);
  const location = LOCATIONS.find((l) => l.id === lb.locationId);
  if (!type || !location)
    throw new Error(`load balancer ${lb.id} refers to a type or location the catalog lacks`);
  return { type, location };
}

function healthStatus(services: readonly ServiceRecord[], health: readonly TargetHealth[], key: string) {
  return services.map((s) => ({
    listen_port: s.listen_port,
    status: health.find((h) => h.listenPort === s.listen_port && h.target === key)?.status ?? "unknown",
  }));
}

function targetsView(state: State, lb: LoadBalancerRecord, health: readonly TargetHealth[]) {
  const statusOf = (key: string) => healthStatus(lb.services, health, key);
  return lb.targets.map((t) => {
    if (t.type === "ip") return { type: "ip", ip: { ip: t.ip }, health_status: statusOf(`ip:${t.ip}`) };
    if (t.type === "server")
      return {
        type: "server",
        server: { id: t.serverId },
        health_status: statusOf(`server:${t.serverId}`),
        use_private_ip: t.usePrivateIp,
      };
    return {
      type: "label_selector",
      label_selector: { selector: t.selector },
      targets: selectedServers(state, t.selector).map((s) => ({
        type: "server",
        server: { id: s.id },
        health_status: statusOf(`server:${s.id}`),
        use_private_ip: t.usePrivateIp,
      })),
      use_private_ip: t.usePrivateIp,
    };
  });
}

export function loadBalancerView(state: State, lb: LoadBalancerRecord, health: readonly TargetHealth[]) {
  const { type, location } = catalogOfLoadBalancer(lb);
  return {
    id: lb.id,
    name: lb.name,
    public_net: {
      enabled: lb.publicInterface,
      ipv4: { ip: lb.publicIpv4, dns_ptr: lb.dnsPtr ?? defaultDnsPtr(lb.publicIpv4) },
      ipv6: { ip: null, dns_ptr: null },
    },
    private_net: loadBalancerNetworks(state, lb.id),
    location: locationView(location),
    load_balancer_type: loadBalancerTypeView(type),
    protection: { ...lb.protection },
    labels: { ...lb.labels },
    created: lb.created,
    services: lb.services.map((s) => structuredClone(s)),
    targets: targetsView(state, lb, health),
    algorithm: { type: lb.algorithm },
    outgoing_traffic: null,
    ingoing_traffic: null,
    included_traffic: PRICES.includedTrafficBytes,
  };
}
