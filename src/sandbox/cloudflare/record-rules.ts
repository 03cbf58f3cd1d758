/**
 * What makes a DNS record acceptable, with Cloudflare's codes: the name (relative names and `@` are
 * placed in the zone, as the dashboard and API do), content per type (9005 A, 9006 AAAA, 9007 CNAME),
 * TTL (1 = automatic, else 60–86400; 9021), proxying only for A/AAAA/CNAME (9004; proxied records get
 * TTL 1), and conflicts: an identical record (81058), a CNAME beside A/AAAA/CNAME at one name (81053,
 * 81054). Pure: it reads the zone's records and returns the normalised fields or throws a CfError.
 */
import { isIPv4, isIPv6 } from "node:net";
import { cnameConflict, dnsValidation, hostHasCname, identicalRecord } from "./errors.ts";
import { validHostname } from "./names.ts";
import { canonicalName, type DnsRecord, type RecordFields, type ZoneRecord } from "./state.ts";
import { PROXIABLE_TYPES } from "./views.ts";

export const SUPPORTED_TYPES: readonly string[] = ["A", "AAAA", "CNAME", "TXT", "MX", "NS"];

export type { RecordFields } from "./state.ts";

/** `@` is the apex; a name outside the zone gets the zone appended, as Cloudflare does. */
export function placeName(raw: string, zone: string): string {
  const name = canonicalName(raw);
  if (name === "@" || name === "") return zone;
  return name === zone || name.endsWith(`.${zone}`) ? name : `${name}.${zone}`;
}

/** `::0001` → `::1`: the API stores AAAA content compressed. */
function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function content(type: string, raw: unknown): string {
  const value = typeof raw === "string" ? raw.trim() : "";
  switch (type) {
    case "A":
      if (!isIPv4(value)) throw dnsValidation(9005, "Content for A record must be a valid IPv4 address.");
      return value;
    case "AAAA":
      if (!isIPv6(value)) throw dnsValidation(9006, "Content for AAAA record must be a valid IPv6 address.");
      return canonicalIpv6(value);
    case "CNAME":
    case "MX":
    case "NS": {
      const host = canonicalName(value);
      if (isIPv4(host) || isIPv6(host) || !validHostname(host)) {
        throw dnsValidation(type === "CNAME" ? 9007 : 1004, `Content for ${type} record is invalid.`);
      }
      return host;
    }
    default: {
      if (value.length === 0) throw dnsValidation(1004, "Content for TXT record is invalid.");
      if (value.length > 2048) throw dnsValidation(1004, "TXT content must be at most 2048 characters.");
      return typeof raw === "string" ? raw : value;
    }
  }
}

function ttl(raw: unknown): number {
  if (raw === undefined || raw === null) return 1;
  if (typeof raw !== "number" || !Number.isInteger(raw) || (raw !== 1 && (raw < 60 || raw > 86400))) {
    throw dnsValidation(9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for automatic.");
  }
  return raw;
}

/** Checks a full record body (POST, PUT, or a PATCH already merged over the stored record). */
export function checkRecord(
  body: Record<string, unknown>,
  zone: ZoneRecord,
  siblings: readonly DnsRecord[],
  exceptId?: string,
): RecordFields {
  const type = typeof body.type === "string" ? body.type.toUpperCase() : "";
  if (!SUPPORTED_TYPES.includes(type)) {
    throw dnsValidation(
      1004,
      type === ""
        ? "DNS record type is required."
        : `DNS record type "${type}" is not supported by the sandbox (${SUPPORTED_TYPES.join(", ")}).`,
    );
  }
  if (typeof body.name !== "string") throw dnsValidation(9000, "DNS name is invalid.");
  const name = placeName(body.name, zone.name);
  if (!validHostname(name, { wildcard: true })) throw dnsValidation(9000, "DNS name is invalid.");
  const fields: RecordFields = {
    name,
    type,
    content: content(type, body.content),
    proxied: false,
    ttl: ttl(body.ttl),
    comment: null,
    tags: [],
  };
  if (body.proxied !== undefined && body.proxied !== null) {
    if (typeof body.proxied !== "boolean") throw dnsValidation(1004, "proxied must be true or false.");
    if (body.proxied && !PROXIABLE_TYPES.includes(type)) {
      throw dnsValidation(9004, "This record type cannot be proxied.");
    }
    fields.proxied = body.proxied;
  }
  if (fields.proxied) fields.ttl = 1;
  if (type === "MX") {
    const p = body.priority;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535) {
      throw dnsValidation(1004, "MX records need a priority between 0 and 65535.");
    }
    fields.priority = p;
  }
  if (body.comment !== undefined && body.comment !== null) {
    if (typeof body.comment !== "string") throw dnsValidation(1004, "comment must be a string.");
    if (body.comment.length > 100) throw dnsValidation(1004, "comment must be at most 100 characters.");
    fields.comment = body.comment;
  }
  if (body.tags !== undefined && body.tags !== null) {
    if (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== "string" || !t.includes(":"))) {
      throw dnsValidation(1004, 'tags must be strings of the form "name:value".');
    }
    fields.tags = body.tags as string[];
  }
  checkConflicts(
    fields,
    siblings.filter((r) => r.id !== exceptId && r.name === name),
  );
  return fields;
}

function checkConflicts(fields: RecordFields, sameName: readonly DnsRecord[]): void {
  if (sameName.some((r) => r.type === fields.type && r.content === fields.content)) throw identicalRecord();
  const addressLike = ["A", "AAAA", "CNAME"];
  if (fields.type === "CNAME" && sameName.some((r) => addressLike.includes(r.type))) throw cnameConflict();
  if (addressLike.includes(fields.type) && sameName.some((r) => r.type === "CNAME")) throw hostHasCname();
}
