/**
 * Private networks (Hetzner "networks"): an RFC 1918 range split into subnets, plus optional routes.
 * Range rules are checked here, inside one network, where they need nothing else from the stack.
 * Hetzner keeps the first address of the whole range as the gateway, so it is never a server address.
 */
import { z } from "zod";
import {
  Cidr4,
  cidr4Range,
  contains,
  Ipv4,
  ipv4ToNumber,
  isPrivateRange,
  numberToIpv4,
  overlaps,
} from "./net.ts";
import { Labels, NETWORK_ZONES, oneOf, resourceName } from "./primitives.ts";

export const Subnet = z.strictObject({
  /** The subnet's range, inside the network's `ipRange`, at least a /30. @example "10.0.1.0/24" */
  ipRange: Cidr4,
});
export type Subnet = z.infer<typeof Subnet>;

export const Route = z.strictObject({
  /** Destination range sent to the gateway. @example "0.0.0.0/0" */
  destination: Cidr4,
  /** A server's private address inside the network that forwards the traffic (e.g. a NAT host). @example "10.0.1.2" */
  gateway: Ipv4,
});
export type Route = z.infer<typeof Route>;

export const Network = z
  .strictObject({
    /** The whole network's range: RFC 1918, between /8 and /24. @example "10.0.0.0/16" */
    ipRange: Cidr4,
    /**
     * Hetzner network zone; servers can join only networks of their location's zone.
     * Default: the zone of the stack's `location`. @example "eu-central"
     */
    zone: oneOf(NETWORK_ZONES).optional(),
    /**
     * Subnets by name. Default: one subnet named "default" spanning `ipRange`.
     * @example { public: { ipRange: "10.0.1.0/24" }, private: { ipRange: "10.0.2.0/24" } }
     */
    subnets: z
      .record(resourceName("subnet", "app"), Subnet, {
        error: 'expected subnets by name such as { app: { ipRange: "10.0.1.0/24" } }',
      })
      .default({}),
    /** Static routes. Default []. @example [{ destination: "0.0.0.0/0", gateway: "10.0.1.2" }] */
    routes: z.array(Route, { error: "expected a list of routes" }).default([]),
    /** Extra Hetzner labels. Default {}. */
    labels: Labels,
  })
  .superRefine((network, ctx) => {
    const fail = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const range = cidr4Range(network.ipRange)!;
    const prefix = Number(network.ipRange.split("/")[1]);
    if (!isPrivateRange(range)) {
      fail(
        ["ipRange"],
        "expected a private (RFC 1918) range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/24",
      );
    } else if (prefix > 24) {
      fail(
        ["ipRange"],
        `Hetzner networks are at least a /24; use a range such as "${numberToIpv4(range.first)}/24"`,
      );
    }
    const subnets = Object.entries(network.subnets).map(([name, s]) => ({
      name,
      range: cidr4Range(s.ipRange)!,
    }));
    for (const [i, { name, range: sub }] of subnets.entries()) {
      const at = ["subnets", name, "ipRange"];
      if (!contains(range, sub))
        fail(at, `${network.subnets[name]!.ipRange} is outside the network range ${network.ipRange}`);
      else if (Number(network.subnets[name]!.ipRange.split("/")[1]) > 30)
        fail(at, "subnets are at least a /30");
      const clash = subnets.slice(0, i).find((other) => overlaps(other.range, sub));
      if (clash) fail(at, `overlaps subnet "${clash.name}" (${network.subnets[clash.name]!.ipRange})`);
    }
    for (const [i, route] of network.routes.entries()) {
      const gateway = ipv4ToNumber(route.gateway)!;
      if (!contains(range, { first: gateway, last: gateway })) {
        fail(["routes", i, "gateway"], `${route.gateway} is outside the network range ${network.ipRange}`);
      }
      const destination = cidr4Range(route.destination)!;
      const clash = subnets.find(
        (s) => overlaps(s.range, destination) && destination.last - destination.first < 2 ** 32 - 1,
      );
      if (clash)
        fail(["routes", i, "destination"], `overlaps subnet "${clash.name}"; routes may not cover a subnet`);
    }
  })
  .transform((network) =>
    Object.keys(network.subnets).length > 0
      ? network
      : { ...network, subnets: { default: { ipRange: network.ipRange } } },
  );
export type Network = z.infer<typeof Network>;

/** The address Hetzner keeps for the network's gateway (the first host of the range). */
export function gatewayAddress(network: Pick<Network, "ipRange">): number {
  return cidr4Range(network.ipRange)!.first + 1;
}
