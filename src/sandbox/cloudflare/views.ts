/**
 * How zones and records look on the wire: the fields of the API's Zone and DNS record objects.
 * Records are `proxiable` when their type can go through the edge (A, AAAA, CNAME); `priority` appears
 * only on MX records, as in the API.
 */
import type { Account } from "./context.ts";
import type { DnsRecord, ZoneRecord } from "./state.ts";

/** The sandbox's authoritative name servers (all answered by one DNS server on 127.0.2.3). */
export const NAME_SERVERS = ["ada.ns.sandbox.slipway.test", "bob.ns.sandbox.slipway.test"] as const;
export const PROXIABLE_TYPES: readonly string[] = ["A", "AAAA", "CNAME"];

export function zoneView(zone: ZoneRecord, account: Account) {
  return {
    id: zone.id,
    name: zone.name,
    status: zone.status,
    paused: zone.paused,
    type: zone.type,
    development_mode: 0,
    name_servers: [...NAME_SERVERS],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    modified_on: zone.modified_on,
    created_on: zone.created_on,
    activated_on: zone.activated_on,
    meta: {
      step: 2,
      custom_certificate_quota: 0,
      page_rule_quota: 3,
      phishing_detected: false,
    },
    owner: { id: null, type: "user", email: null },
    account: { id: account.id, name: account.name },
    tenant: { id: null, name: null },
    tenant_unit: { id: null },
    permissions: ["#dns_records:edit", "#dns_records:read", "#zone:edit", "#zone:read"],
    plan: {
      id: "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      name: "Free Website",
      price: 0,
      currency: "USD",
      frequency: "",
      is_subscribed: false,
      can_subscribe: false,
      legacy_id: "free",
      legacy_discount: false,
      externally_managed: false,
    },
  };
}

export function recordView(record: DnsRecord) {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    content: record.content,
    ...(record.priority !== undefined ? { priority: record.priority } : {}),
    proxiable: PROXIABLE_TYPES.includes(record.type),
    proxied: record.proxied,
    ttl: record.ttl,
    settings: {},
    meta: {},
    comment: record.comment,
    tags: [...record.tags],
    created_on: record.created_on,
    modified_on: record.modified_on,
  };
}
