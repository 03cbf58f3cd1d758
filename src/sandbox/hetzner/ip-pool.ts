/**
 * Public IPv4 allocation from an inclusive range (default 127.0.1.2 - 127.0.1.254, loopback addresses
 * that the machine driver routes to the server's container). Allocation continues after the last
 * address handed out and wraps, so a just-released address is reused last: a new server on an old
 * IP would otherwise meet stale SSH known_hosts entries and firewall rules.
 */
export interface Ipv4Range {
  readonly first: string;
  readonly last: string;
}

export const DEFAULT_IPV4_POOL: Ipv4Range = { first: "127.0.1.2", last: "127.0.1.254" };
/** Load balancers' public IPv4 addresses (PUBLIC_RANGES.loadBalancers in the sandbox's layout). */
export const DEFAULT_LOAD_BALANCER_POOL: Ipv4Range = { first: "127.0.3.2", last: "127.0.3.254" };

export function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** The next free address after `last` (wrapping), or null when every address is in use. */
export function nextFreeIpv4(
  range: Ipv4Range,
  used: ReadonlySet<string>,
  last: string | null,
): string | null {
  const first = ipToInt(range.first);
  const end = ipToInt(range.last);
  if (end < first) throw new Error(`empty IPv4 pool ${range.first} - ${range.last}`);
  const size = end - first + 1;
  const lastInt = last === null ? end : ipToInt(last);
  const start = lastInt >= first && lastInt <= end ? lastInt - first + 1 : 0;
  for (let i = 0; i < size; i++) {
    const candidate = intToIp(first + ((start + i) % size));
    if (!used.has(candidate)) return candidate;
  }
  return null;
}
