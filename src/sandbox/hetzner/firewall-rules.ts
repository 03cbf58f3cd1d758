/**
 * Firewall rules as Hetzner checks them beyond the schema: at most 50 per firewall; `in` rules take
 * source_ips and `out` rules destination_ips (at most 100 CIDRs, each a network with empty host bits or
 * a single host); tcp and udp need a port or range "low-high" within 1-65535, other protocols take none.
 */
import { isIPv6 } from "node:net";
import { invalidField } from "./errors.ts";
import { canonicalCidr } from "./network-addressing.ts";
import type { FirewallRuleRecord } from "./state.ts";

export const MAX_RULES = 50;
const MAX_CIDRS = 100;

interface RuleInput {
  description?: string | null;
  direction: "in" | "out";
  source_ips?: string[];
  destination_ips?: string[];
  protocol: FirewallRuleRecord["protocol"];
  port?: string;
}

function validCidr(value: string): boolean {
  if (canonicalCidr(value)) return true;
  const [address = "", bits, ...rest] = value.split("/");
  return (
    rest.length === 0 &&
    bits !== undefined &&
    /^\d{1,3}$/.test(bits) &&
    Number(bits) <= 128 &&
    isIPv6(address)
  );
}

function checkPort(port: string, field: string): string {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
  const low = Number(m?.[1]);
  const high = m?.[2] === undefined ? low : Number(m[2]);
  if (!m || low < 1 || high > 65535 || low > high)
    throw invalidField(field, `port must be a port ("443") or a range ("8000-8100") within 1-65535`);
  return port;
}

function checkCidrs(values: readonly string[], field: string): string[] {
  if (values.length > MAX_CIDRS) throw invalidField(field, `at most ${MAX_CIDRS} CIDR blocks per rule`);
  for (const [i, v] of values.entries()) {
    if (!validCidr(v))
      throw invalidField(
        `${field}[${i}]`,
        `${v} is not a CIDR block such as 203.0.113.0/24, 203.0.113.7/32 or ::/0`,
      );
  }
  return [...values];
}

/** Validated rules for a firewall; `field` is the body's key ("rules"). */
export function checkRules(rules: readonly RuleInput[], field: string): FirewallRuleRecord[] {
  if (rules.length > MAX_RULES) throw invalidField(field, `a firewall has at most ${MAX_RULES} rules`);
  return rules.map((r, i) => {
    const at = `${field}[${i}]`;
    const sources = r.source_ips ?? [];
    const destinations = r.destination_ips ?? [];
    if (r.direction === "in") {
      if (sources.length === 0) throw invalidField(`${at}.source_ips`, "required for rules of direction in");
      if (destinations.length > 0)
        throw invalidField(`${at}.destination_ips`, "only allowed for rules of direction out");
    } else {
      if (destinations.length === 0)
        throw invalidField(`${at}.destination_ips`, "required for rules of direction out");
      if (sources.length > 0)
        throw invalidField(`${at}.source_ips`, "only allowed for rules of direction in");
    }
    const needsPort = r.protocol === "tcp" || r.protocol === "udp";
    if (needsPort && r.port === undefined)
      throw invalidField(`${at}.port`, `required for ${r.protocol} rules`);
    if (!needsPort && r.port !== undefined)
      throw invalidField(`${at}.port`, `not allowed for ${r.protocol} rules, only for tcp and udp`);
    return {
      description: r.description ?? null,
      direction: r.direction,
      source_ips: checkCidrs(sources, `${at}.source_ips`),
      destination_ips: checkCidrs(destinations, `${at}.destination_ips`),
      protocol: r.protocol,
      port: r.port === undefined ? null : checkPort(r.port, `${at}.port`),
    };
  });
}
