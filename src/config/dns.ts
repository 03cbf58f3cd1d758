/**
 * DNS records in one Cloudflare zone. A record points at a server group (one A record per server, so
 * round-robin), at a load balancer, or at a literal value. Names are relative to the zone ("@", "www"),
 * so moving a stack to another domain is a one-line change.
 */
import { z } from "zod";
import { Hostname, integer, oneOf, resourceName, text } from "./primitives.ts";

const bool = z.boolean({ error: "expected true or false" });

export const DnsRecord = z.strictObject({
  /** Name relative to the zone: "@" for the apex, "www", "api.staging", "*", "_dmarc". @example "www" */
  name: text(
    /^(?:@|\*|(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*)$/,
    'expected a name relative to the zone such as "@", "www" or "api"',
  ),
  /** Record type. Default "A" (the only sensible type for `server` or `loadBalancer` targets besides "AAAA"). */
  type: oneOf(["A", "AAAA", "CNAME", "TXT", "MX", "CAA"]).default("A"),
  /** Point at every server of this group (their public addresses). @example "web" */
  server: resourceName("server group", "web").optional(),
  /** Point at this load balancer's public address. @example "main" */
  loadBalancer: resourceName("load balancer", "main").optional(),
  /** A literal value: an address, a host name, TXT text. @example "203.0.113.7" */
  value: z.string({ error: 'expected a record value such as "203.0.113.7"' }).min(1).optional(),
  /** Route through Cloudflare's proxy (CDN, WAF, hidden origin). Default: the zone's `proxied`. */
  proxied: bool.optional(),
  /** Seconds (60 to 86400) or "auto" (Cloudflare's default, forced for proxied records). Default "auto". */
  ttl: z
    .union([z.literal("auto"), integer(60, 86400, 300)], {
      error: 'expected "auto" or seconds from 60 to 86400 such as 300',
    })
    .default("auto"),
  /** MX priority. @example 10 */
  priority: integer(0, 65535, 10).optional(),
  /** Note kept with the record in Cloudflare. */
  comment: z.string({ error: 'expected a note such as "mail"' }).max(100).optional(),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export const Dns = z
  .strictObject({
    /** The DNS provider. Only "cloudflare" for now (needs CLOUDFLARE_API_TOKEN). Default "cloudflare". */
    provider: z.literal("cloudflare", { error: 'expected "cloudflare"' }).default("cloudflare"),
    /** The zone (domain) as it exists in the Cloudflare account. @example "example.com" */
    zone: Hostname.refine((zone) => !zone.startsWith("*."), {
      error: 'expected a zone such as "example.com"',
    }),
    /** Default `proxied` for records that do not say. Default false. */
    proxied: bool.default(false),
    /** Records slipway owns in the zone; others are left alone. Default []. */
    records: z
      .array(DnsRecord, { error: 'expected a list of records such as [{ name: "@", server: "web" }]' })
      .default([]),
  })
  .superRefine((dns, ctx) => {
    dns.records.forEach((record, i) => {
      const fail = (field: string, message: string) =>
        ctx.addIssue({ code: "custom", path: ["records", i, field], message });
      const targets = (["server", "loadBalancer", "value"] as const).filter(
        (key) => record[key] !== undefined,
      );
      if (targets.length !== 1) {
        ctx.addIssue({
          code: "custom",
          path: targets.length === 0 ? ["records", i] : ["records", i, targets[1]!],
          message: 'set exactly one of server, loadBalancer or value, e.g. server: "web"',
        });
      }
      const addressTarget = record.server !== undefined || record.loadBalancer !== undefined;
      if (addressTarget && record.type !== "A" && record.type !== "AAAA") {
        fail("type", `server and loadBalancer targets make "A" or "AAAA" records, not "${record.type}"`);
      }
      if (record.type === "A" && record.value !== undefined && !IPV4.test(record.value))
        fail("value", 'expected an IPv4 address such as "203.0.113.7"');
      if (
        record.type === "CNAME" &&
        record.value !== undefined &&
        !Hostname.safeParse(record.value).success
      ) {
        fail("value", 'expected a host name such as "app.example.net"');
      }
      if (record.type === "MX" && record.priority === undefined)
        fail("priority", "MX records need a priority such as 10");
      const proxiable = record.type === "A" || record.type === "AAAA" || record.type === "CNAME";
      if (record.proxied && !proxiable)
        fail("proxied", `only A, AAAA and CNAME records can be proxied, not ${record.type}`);
      if (record.name === dns.zone || record.name.endsWith(`.${dns.zone}`)) {
        const relative = record.name === dns.zone ? "@" : record.name.slice(0, -dns.zone.length - 1);
        fail("name", `write names relative to the zone; did you mean "${relative}"?`);
      }
      const clash = dns.records
        .slice(0, i)
        .find(
          (other) => other.name === record.name && (other.type === "CNAME") !== (record.type === "CNAME"),
        );
      if (clash || (record.type === "CNAME" && dns.records.slice(0, i).some((o) => o.name === record.name))) {
        fail("name", `a CNAME cannot share the name "${record.name}" with other records`);
      }
    });
  })
  .transform((dns) => ({
    ...dns,
    records: dns.records.map((record) => ({
      ...record,
      proxied: record.proxied ?? (dns.proxied && ["A", "AAAA", "CNAME"].includes(record.type)),
    })),
  }));
export type Dns = z.infer<typeof Dns>;

/** The full host name of a record ("@" → the zone). */
export function recordHost(zone: string, name: string): string {
  return name === "@" ? zone : `${name}.${zone}`;
}
