/**
 * cloudflare.dnsRecord: one DNS record in a zone looked up by name. Records carry an ownership marker
 * in their comment (`slipway:<stack>/<key>`), because Cloudflare has no free labels: it is how a record
 * left unrecorded by a killed run is found again, and how slipway keeps its hands off records it did
 * not make. A record with the same name, type and content but no marker is adopted rather than
 * duplicated (Cloudflare refuses identical records anyway).
 */
import type Cloudflare from "cloudflare";
import { change, type ResourceKind } from "../../engine/resource.ts";
import { UserError } from "../../errors.ts";
import { type CloudflareClient, cloudflareCall, cloudflareError, isCloudflareNotFound } from "./client.ts";

export type RecordType = "A" | "AAAA" | "CNAME" | "TXT" | "MX" | "CAA";

export interface DnsRecordInput {
  zone: string;
  /** Full host name, e.g. "www.example.com". */
  name: string;
  type: RecordType;
  content: string;
  proxied: boolean;
  /** Seconds; 1 means automatic (and is what proxied records always have). */
  ttl: number;
  priority?: number;
  /** The user's note plus slipway's marker; see recordComment. */
  comment: string;
}

export interface ObservedDnsRecord extends DnsRecordInput {
  zoneId: string;
  recordId: string;
}

type Ctx = { cloudflare?: CloudflareClient };

const MAX_COMMENT = 100;

export function ownershipMarker(stack: string, key: string): string {
  return `slipway:${stack}/${key}`;
}

/** The comment slipway writes: the user's note (shortened if need be), then the marker. */
export function recordComment(note: string | undefined, marker: string): string {
  if (!note) return marker;
  const room = MAX_COMMENT - marker.length - 3;
  const text = note.length > room ? `${note.slice(0, Math.max(0, room - 1))}…` : note;
  return `${text} · ${marker}`;
}

function markerOf(comment: string): string | undefined {
  return /slipway:[^\s]+$/.exec(comment)?.[0];
}

function client(ctx: Ctx): Promise<Cloudflare> {
  if (!ctx.cloudflare) throw new UserError("the stack has dns records but no Cloudflare client was set up");
  return ctx.cloudflare.get();
}

const zoneIds = new WeakMap<Cloudflare, Map<string, Promise<string>>>();

/** The zone's id, looked up by name once per run. A zone slipway cannot see is a clear error. */
export function zoneId(cf: Cloudflare, zone: string): Promise<string> {
  let cache = zoneIds.get(cf);
  if (!cache) {
    cache = new Map();
    zoneIds.set(cf, cache);
  }
  let id = cache.get(zone);
  if (!id) {
    id = cloudflareCall(`looking up the Cloudflare zone ${zone}`, async () => {
      const page = await cf.zones.list({ name: zone });
      const found = page.result.find((z) => z.name === zone);
      if (!found) {
        throw new UserError(`dns.zone: the Cloudflare account has no zone named ${zone}`, {
          hint: `Add ${zone} to Cloudflare first (dashboard → Add a domain), or check the token can see it.`,
        });
      }
      return found.id;
    });
    cache.set(zone, id);
    id.catch(() => cache.delete(zone));
  }
  return id;
}

type ApiRecord = Cloudflare.DNS.Records.RecordResponse;

function observedRecord(zone: string, zoneIdValue: string, r: ApiRecord): ObservedDnsRecord {
  const priority = (r as { priority?: number }).priority;
  return {
    zone,
    zoneId: zoneIdValue,
    recordId: r.id,
    name: r.name,
    type: r.type as RecordType,
    content: r.content ?? "",
    proxied: r.proxied ?? false,
    ttl: r.ttl,
    ...(priority !== undefined ? { priority } : {}),
    comment: r.comment ?? "",
  };
}

function body(want: DnsRecordInput, zoneIdValue: string) {
  return {
    zone_id: zoneIdValue,
    name: want.name,
    type: want.type,
    content: want.content,
    proxied: want.proxied,
    ttl: want.ttl,
    comment: want.comment,
    ...(want.priority !== undefined ? { priority: want.priority } : {}),
  } as Cloudflare.DNS.Records.RecordCreateParams;
}

export const dnsRecord: ResourceKind<DnsRecordInput, ObservedDnsRecord, Ctx> = {
  kind: "cloudflare.dnsRecord",
  id: (r) => `${r.zoneId}/${r.recordId}`,

  async read(ctx, id, want) {
    const [zoneIdValue = "", recordId = ""] = id.split("/");
    try {
      const r = await (await client(ctx)).dns.records.get(recordId, { zone_id: zoneIdValue });
      return observedRecord(want.zone, zoneIdValue, r);
    } catch (error) {
      if (isCloudflareNotFound(error)) return null;
      throw cloudflareError(`reading the DNS record ${want.name}`, error);
    }
  },

  async find(ctx, want) {
    const cf = await client(ctx);
    const zid = await zoneId(cf, want.zone);
    const candidates: ApiRecord[] = [];
    await cloudflareCall(`listing the DNS records named ${want.name}`, async () => {
      for await (const r of cf.dns.records.list({
        zone_id: zid,
        name: { exact: want.name },
        type: want.type,
      })) {
        candidates.push(r);
      }
    });
    const marker = markerOf(want.comment);
    const ours = candidates.find((r) => marker !== undefined && markerOf(r.comment ?? "") === marker);
    const identical = candidates.find((r) => !markerOf(r.comment ?? "") && r.content === want.content);
    const found = ours ?? identical;
    return found ? observedRecord(want.zone, zid, found) : null;
  },

  diff(want, have) {
    return [
      ...change("type", have.type, want.type, { forcesReplace: true }),
      ...change("name", have.name, want.name),
      ...change("content", have.content, want.content),
      ...change("proxied", have.proxied, want.proxied),
      ...change("ttl", have.ttl, want.ttl),
      ...change("priority", have.priority, want.priority),
      ...change("comment", have.comment, want.comment),
    ];
  },

  describe: (want) => ({
    name: want.name,
    type: want.type,
    content: want.content,
    proxied: want.proxied,
    ttl: want.ttl === 1 ? "auto" : want.ttl,
  }),

  async create(ctx, want) {
    const cf = await client(ctx);
    const zid = await zoneId(cf, want.zone);
    const r = await cloudflareCall(`creating the DNS record ${want.type} ${want.name}`, () =>
      cf.dns.records.create(body(want, zid)),
    );
    return observedRecord(want.zone, zid, r);
  },

  async update(ctx, have, want) {
    const cf = await client(ctx);
    const r = await cloudflareCall(`updating the DNS record ${want.type} ${want.name}`, () =>
      cf.dns.records.update(
        have.recordId,
        body(want, have.zoneId) as Cloudflare.DNS.Records.RecordUpdateParams,
      ),
    );
    return observedRecord(want.zone, have.zoneId, r);
  },

  async delete(ctx, have) {
    try {
      await (await client(ctx)).dns.records.delete(have.recordId, { zone_id: have.zoneId });
    } catch (error) {
      if (isCloudflareNotFound(error)) return;
      throw cloudflareError(`deleting the DNS record ${have.type} ${have.name}`, error);
    }
  },
};
