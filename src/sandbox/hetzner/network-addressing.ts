/**
 * Address rules of Hetzner networks, pure: a network's ip_range is an RFC 1918 block of /24 or larger;
 * a subnet lies inside it (at least /30), overlaps no other subnet or route destination; an omitted
 * subnet range is the first free /24. The gateway of cloud/server subnets is the network's first address
 * (10.0.0.1 for 10.0.0.0/16), a vSwitch subnet's the subnet's first. Servers get the lowest free address
 * of a subnet, never its network or broadcast address nor a gateway, as on Hetzner.
 */
import { cidrContains, cidrsOverlap, intToIpv4, ipv4ToInt, parseCidr } from "../../util/cidr.ts";
import { ApiError, invalidField } from "./errors.ts";
import type { NetworkRecord, SubnetRecord } from "./state.ts";

/** `prefix.name`, or `name` for a body whose fields sit at the top level. */
function at(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpv4(value: string): boolean {
  const m = IPV4.exec(value);
  return m?.slice(1).every((p) => Number(p) <= 255) ?? false;
}

/** The CIDR in canonical form, or null when it is not an IPv4 CIDR or has host bits set. */
export function canonicalCidr(value: string): string | null {
  const m = CIDR.exec(value);
  if (!m || m.slice(1, 5).some((p) => Number(p) > 255) || Number(m[5]) > 32) return null;
  const { first } = parseCidr(value);
  const address = value.split("/")[0] ?? "";
  return ipv4ToInt(address) === first ? value : null;
}

export function prefixLength(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

/** A CIDR field of a request: valid, canonical, or invalid_input on `field`. */
export function cidrField(field: string, value: string): string {
  const cidr = canonicalCidr(value);
  if (!cidr) throw invalidField(field, `${value} is not a valid IPv4 CIDR block (e.g. 10.0.0.0/16)`);
  return cidr;
}

export function checkNetworkRange(field: string, value: string): string {
  const cidr = cidrField(field, value);
  if (!RFC1918.some((block) => within(block, cidr)))
    throw invalidField(field, "ip_range must be within one of the private ranges of RFC 1918");
  if (prefixLength(cidr) > 24) throw invalidField(field, "minimum network size is /24");
  return cidr;
}

function within(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return i.first >= o.first && i.last <= o.last;
}

export function subnetGateway(
  network: { ip_range: string },
  subnet: { type: string; ip_range: string },
): string {
  const base = subnet.type === "vswitch" ? subnet.ip_range : network.ip_range;
  return intToIpv4(parseCidr(base).first + 1);
}

/** The first /24 inside the network that overlaps no subnet or route, or null. */
function firstFree24(network: NetworkRecord): string | null {
  const { first, last } = parseCidr(network.ip_range);
  const taken = [...network.subnets.map((s) => s.ip_range), ...network.routes.map((r) => r.destination)];
  for (let start = first; start + 255 <= last; start += 256) {
    const candidate = `${intToIpv4(start)}/24`;
    if (!taken.some((t) => cidrsOverlap(t, candidate))) return candidate;
  }
  return null;
}

/** Validates a new subnet against the network (Hetzner's prose rules) and returns its record. */
export function newSubnet(
  network: NetworkRecord,
  input: { type: SubnetRecord["type"]; ip_range?: string; network_zone: string; vswitch_id?: number },
  field: string,
): SubnetRecord {
  if (input.type === "vswitch" && input.vswitch_id === undefined)
    throw invalidField(at(field, "vswitch_id"), "vswitch_id is required for subnets of type vswitch");
  if (input.type !== "vswitch" && input.vswitch_id !== undefined)
    throw invalidField(at(field, "vswitch_id"), "vswitch_id may only be given for subnets of type vswitch");
  const range =
    input.ip_range === undefined ? firstFree24(network) : cidrField(at(field, "ip_range"), input.ip_range);
  if (range === null) throw invalidField(at(field, "ip_range"), "no free /24 left in the network's ip_range");
  if (!within(network.ip_range, range))
    throw invalidField(
      at(field, "ip_range"),
      `${range} is not inside the network's ip_range ${network.ip_range}`,
    );
  if (prefixLength(range) > 30) throw invalidField(at(field, "ip_range"), "minimum subnet size is /30");
  const clash = network.subnets.find((s) => cidrsOverlap(s.ip_range, range));
  if (clash) throw invalidField(at(field, "ip_range"), `${range} overlaps the subnet ${clash.ip_range}`);
  const route = network.routes.find((r) => cidrsOverlap(r.destination, range));
  if (route) throw invalidField(at(field, "ip_range"), `${range} overlaps the route to ${route.destination}`);
  return {
    type: input.type,
    ip_range: range,
    network_zone: input.network_zone,
    vswitch_id: input.vswitch_id ?? null,
  };
}

/** Validates a route: destination a CIDR outside every subnet, gateway an address inside the network. */
export function newRoute(
  network: NetworkRecord,
  input: { destination: string; gateway: string },
  field: string,
): { destination: string; gateway: string } {
  const destination = cidrField(at(field, "destination"), input.destination);
  if (!isIpv4(input.gateway))
    throw invalidField(at(field, "gateway"), `${input.gateway} is not a valid IPv4 address`);
  if (!cidrContains(network.ip_range, input.gateway))
    throw invalidField(at(field, "gateway"), `gateway ${input.gateway} is not inside the network's ip_range`);
  const gateways = network.subnets.map((s) => subnetGateway(network, s));
  if (gateways.includes(input.gateway))
    throw invalidField(at(field, "gateway"), `gateway ${input.gateway} is the network's own gateway`);
  const clash = network.subnets.find((s) => cidrsOverlap(s.ip_range, destination));
  if (clash)
    throw invalidField(at(field, "destination"), `${destination} overlaps the subnet ${clash.ip_range}`);
  if (network.routes.some((r) => r.destination === destination && r.gateway === input.gateway))
    throw invalidField(
      at(field, "destination"),
      `the route to ${destination} via ${input.gateway} exists already`,
    );
  return { destination, gateway: input.gateway };
}

/** Addresses of a subnet a server may not take: network, broadcast and gateway addresses. */
function reserved(network: NetworkRecord, subnet: SubnetRecord): Set<number> {
  const { first, last } = parseCidr(subnet.ip_range);
  return new Set([first, last, ipv4ToInt(subnetGateway(network, subnet))]);
}

/** Every address in use in the network: servers' IPs and alias IPs, load balancers' IPs. */
export function usedAddresses(network: NetworkRecord): Set<string> {
  return new Set([
    ...network.servers.flatMap((a) => [a.ip, ...a.aliasIps]),
    ...(network.loadBalancers ?? []).map((a) => a.ip),
  ]);
}

/** Whether a server may take `ip` in `subnet`: inside it, not reserved, not in use. */
export function addressAvailable(network: NetworkRecord, subnet: SubnetRecord, ip: string): boolean {
  return (
    cidrContains(subnet.ip_range, ip) &&
    !reserved(network, subnet).has(ipv4ToInt(ip)) &&
    !usedAddresses(network).has(ip)
  );
}

/**
 * The private IP a server or load balancer gets on `network`: the requested `ip` if it is free, else the
 * lowest free address, among the subnets of `zone` it may use (`usable`, described as `subnetKind` in
 * the error), narrowed to the subnet `ipRange` when given. Throws the operation's errors.
 */
export function chooseAddress(
  network: NetworkRecord,
  zone: string,
  usable: (subnet: SubnetRecord) => boolean,
  subnetKind: string,
  request: { readonly ip?: string; readonly ipRange?: string },
): string {
  let subnets = network.subnets.filter((s) => usable(s) && s.network_zone === zone);
  if (request.ipRange !== undefined) {
    const range = canonicalCidr(request.ipRange);
    if (!range) throw invalidField("ip_range", `${request.ipRange} is not a valid IPv4 CIDR block`);
    subnets = subnets.filter((s) => s.ip_range === range);
  }
  if (request.ip !== undefined) {
    const wanted = request.ip;
    if (!isIpv4(wanted)) throw invalidField("ip", `${wanted} is not a valid IPv4 address`);
    if (!subnets.some((s) => addressAvailable(network, s, wanted)))
      throw new ApiError("ip_not_available", `IP ${wanted} is not available in network ${network.id}`);
    return wanted;
  }
  const ip = subnets.map((s) => firstFreeAddress(network, s)).find((found) => found !== null);
  if (!ip)
    throw new ApiError(
      "no_subnet_available",
      `network ${network.id} has no ${subnetKind} with a free IP in network zone ${zone}`,
    );
  return ip;
}

/** The lowest free address of the subnet, or null when it is full. */
export function firstFreeAddress(network: NetworkRecord, subnet: SubnetRecord): string | null {
  const { first, last } = parseCidr(subnet.ip_range);
  for (let n = first; n <= last; n++) {
    const ip = intToIpv4(n);
    if (addressAvailable(network, subnet, ip)) return ip;
  }
  return null;
}
