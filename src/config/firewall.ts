/**
 * Hetzner cloud firewalls: allow-only rules in front of the servers' public interfaces, applied to server
 * groups. They never filter private networks (Hetzner's rule), which is why data services bind to private
 * addresses. "any" and "cloudflare" are kept as names here and expanded to ranges when planning, so the
 * current Cloudflare list is used, not the one from the day the config was written.
 */
import { z } from "zod";
import { AnyCidr, PortRange } from "./net.ts";
import { Labels, nameList, oneOf } from "./primitives.ts";

/** Where traffic may come from (or go to): "any", "cloudflare" (its published ranges) or a CIDR block. */
export const Source = z.union([z.literal("any"), z.literal("cloudflare"), AnyCidr], {
  error: 'expected "any", "cloudflare" or a CIDR block such as "203.0.113.7/32"',
});
export type Source = z.infer<typeof Source>;

const SOURCES_MESSAGE = 'expected a list such as ["any"], ["cloudflare"] or ["203.0.113.7/32"]';
const Sources = z.array(Source, { error: SOURCES_MESSAGE }).min(1, { error: SOURCES_MESSAGE });

export const FirewallRule = z
  .strictObject({
    /** "in" (to the servers) or "out" (from them). Default "in". */
    direction: oneOf(["in", "out"]).default("in"),
    /** Default "tcp". */
    protocol: oneOf(["tcp", "udp", "icmp", "esp", "gre"]).default("tcp"),
    /** Port or range, required for tcp and udp, not allowed otherwise. Parsed to "443" / "8000-8100". @example 443 */
    port: PortRange.optional(),
    /** For "in" rules: who may connect. Default ["any"]. @example ["cloudflare"] */
    sources: Sources.optional(),
    /** For "out" rules: where servers may connect. Default ["any"]. @example ["10.0.0.0/8"] */
    destinations: Sources.optional(),
    /** Shown in the Hetzner console. @example "HTTPS from Cloudflare" */
    description: z.string({ error: 'expected a description such as "HTTPS"' }).max(255).optional(),
  })
  .superRefine((rule, ctx) => {
    const fail = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
    const needsPort = rule.protocol === "tcp" || rule.protocol === "udp";
    if (needsPort && rule.port === undefined)
      fail("port", `required for ${rule.protocol} rules, e.g. port: 443`);
    if (!needsPort && rule.port !== undefined)
      fail("port", `not allowed for ${rule.protocol} rules; remove it`);
    if (rule.direction === "in" && rule.destinations)
      fail("destinations", 'only for "out" rules; use sources');
    if (rule.direction === "out" && rule.sources) fail("sources", 'only for "in" rules; use destinations');
  })
  .transform(({ sources, destinations, ...rule }) => ({
    ...rule,
    sources: rule.direction === "in" ? (sources ?? ["any"]) : [],
    destinations: rule.direction === "out" ? (destinations ?? ["any"]) : [],
  }));
export type FirewallRule = z.infer<typeof FirewallRule>;

/** Hetzner limits: 50 rules per firewall, 5 firewalls per server. */
export const FIREWALL_RULE_LIMIT = 50;
export const FIREWALLS_PER_SERVER = 5;

export const Firewall = z.strictObject({
  /**
   * Allow rules; anything not allowed is dropped. An empty list drops all inbound traffic on the public
   * interface. @example [{ port: 443, sources: ["cloudflare"] }, { protocol: "icmp" }]
   */
  rules: z
    .array(FirewallRule, { error: "expected a list of rules such as [{ port: 443 }]" })
    .max(FIREWALL_RULE_LIMIT, { error: `Hetzner allows at most ${FIREWALL_RULE_LIMIT} rules per firewall` }),
  /** Server groups the firewall protects. @example ["web"] */
  applyTo: nameList("server group", "web"),
  /** Extra Hetzner labels. Default {}. */
  labels: Labels,
});
export type Firewall = z.infer<typeof Firewall>;
