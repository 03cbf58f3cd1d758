/**
 * The Cloudflare emulator's state: zones and their DNS records as plain JSON (what persistence writes).
 * Ids are 32 lowercase hex characters like Cloudflare's, random rather than sequential, so a client
 * cannot guess them and a zone id passed where a record id belongs is simply unknown.
 * Names are stored lowercase and without a trailing dot, the form the API returns.
 */
import { randomBytes } from "node:crypto";

export type ZoneStatus = "initializing" | "pending" | "active" | "moved";
/** The zone's SSL/TLS encryption mode: how the edge talks to origins of proxied records. */
export type SslMode = "off" | "flexible" | "full" | "strict";

export interface ZoneRecord {
  id: string;
  name: string;
  status: ZoneStatus;
  type: "full" | "partial" | "secondary" | "internal";
  paused: boolean;
  ssl: SslMode;
  created_on: string;
  modified_on: string;
  activated_on: string | null;
}

/** What a client sets on a record (the rest is the record's identity and history). */
export interface RecordFields {
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  /** 1 means "automatic" (300 s in answers), as in the API. */
  ttl: number;
  priority?: number;
  comment: string | null;
  tags: string[];
}

export interface DnsRecord extends RecordFields {
  id: string;
  zoneId: string;
  created_on: string;
  modified_on: string;
}

export interface State {
  version: 1;
  zones: ZoneRecord[];
  records: DnsRecord[];
}

export function emptyState(): State {
  return { version: 1, zones: [], records: [] };
}

export function newId(): string {
  return randomBytes(16).toString("hex");
}

/** ISO 8601 with microseconds, as Cloudflare writes `created_on`/`modified_on`. */
export function timestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

/** Lowercase, no trailing dot: the canonical form of a DNS name here. */
export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** True when `name` is the zone apex or below it. */
export function inZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`);
}
