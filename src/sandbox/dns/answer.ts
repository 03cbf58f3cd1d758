/**
 * The sandbox's authoritative answers for the Cloudflare emulator's zones, as pure data (dns-packet
 * records): what Cloudflare's own name servers would say. A name outside every zone is REFUSED (we are
 * not a resolver); a name in a zone with no records is NXDOMAIN with the zone's SOA; a name that exists
 * without the asked type is NODATA (NOERROR, SOA in authority). Proxied names answer A queries with the
 * edge's address instead of the origin's, and nothing for AAAA (the sandbox edge has no IPv6) or
 * CNAME (Cloudflare flattens proxied CNAMEs), exactly the way the origin stays hidden in production.
 * CNAMEs are followed within the zones, wildcards (`*.example.test`) match names that do not exist.
 */
import type { Answer } from "dns-packet";
import type { DnsRecord, State, ZoneRecord } from "../cloudflare/state.ts";
import { NAME_SERVERS } from "../cloudflare/views.ts";

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** What Cloudflare's "automatic" TTL means in answers. */
const AUTO_TTL = 300;
const MAX_CNAME_CHAIN = 8;

export interface DnsAnswer {
  readonly rcode: number;
  readonly authoritative: boolean;
  readonly answers: Answer[];
  readonly authorities: Answer[];
}

export interface AnswerContext {
  readonly state: State;
  /** The IPv4 address proxied names resolve to. */
  readonly edgeAddress: string;
}

function zoneOf(state: State, name: string): ZoneRecord | undefined {
  return state.zones
    .filter((z) => !z.paused && (name === z.name || name.endsWith(`.${z.name}`)))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function soa(zone: ZoneRecord): Answer {
  const serial = Math.floor(Date.parse(zone.modified_on) / 1000) || 1;
  return {
    type: "SOA",
    name: zone.name,
    ttl: 1800,
    data: {
      mname: NAME_SERVERS[0],
      rname: "dns.sandbox.slipway.test",
      serial,
      refresh: 10000,
      retry: 2400,
      expire: 604800,
      minimum: 1800,
    },
  };
}

/** The records that answer for `name`: its own, or a wildcard's when the name does not exist. */
function recordsAt(state: State, zone: ZoneRecord, name: string): { records: DnsRecord[]; exists: boolean } {
  const inZone = state.records.filter((r) => r.zoneId === zone.id);
  const own = inZone.filter((r) => r.name === name);
  if (own.length > 0) return { records: own, exists: true };
  // An empty non-terminal (a name with records only below it) exists, and blocks wildcards.
  if (inZone.some((r) => r.name.endsWith(`.${name}`))) return { records: [], exists: true };
  const labels = name.split(".");
  for (let i = 1; i < labels.length && labels.slice(i).join(".").length >= zone.name.length; i++) {
    const wildcard = inZone.filter((r) => r.name === `*.${labels.slice(i).join(".")}`);
    if (wildcard.length > 0) return { records: wildcard, exists: true };
  }
  return { records: [], exists: name === zone.name };
}

function toAnswer(name: string, record: DnsRecord): Answer | null {
  const ttl = record.ttl === 1 ? AUTO_TTL : record.ttl;
  switch (record.type) {
    case "A":
      return { type: "A", name, ttl, data: record.content };
    case "AAAA":
      return { type: "AAAA", name, ttl, data: record.content };
    case "CNAME":
      return { type: "CNAME", name, ttl, data: record.content };
    case "NS":
      return { type: "NS", name, ttl, data: record.content };
    case "MX":
      return { type: "MX", name, ttl, data: { preference: record.priority ?? 0, exchange: record.content } };
    case "TXT":
      return { type: "TXT", name, ttl, data: chunks(record.content) };
    default:
      return null;
  }
}

/** TXT strings are at most 255 bytes each; longer content is split, as Cloudflare serves it. */
function chunks(text: string): Buffer[] {
  const bytes = Buffer.from(text, "utf8");
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
  return parts.length > 0 ? parts : [Buffer.alloc(0)];
}

const PROXIABLE = new Set(["A", "AAAA", "CNAME"]);

function typed(name: string, type: string, records: readonly DnsRecord[]): Answer[] {
  return records
    .filter((r) => type === "ANY" || r.type === type)
    .map((r) => toAnswer(name, r))
    .filter((a): a is Answer => a !== null);
}

/** Answers one question. `qname` keeps the asker's case in the answer, as resolvers expect. */
export function answer(ctx: AnswerContext, qname: string, qtype: string): DnsAnswer {
  const name = qname.toLowerCase().replace(/\.$/, "");
  const zone = zoneOf(ctx.state, name);
  if (!zone) return { rcode: RCODE.REFUSED, authoritative: false, answers: [], authorities: [] };
  const answers: Answer[] = [];
  let current = name;
  let owner = qname.replace(/\.$/, "");
  for (let hop = 0; hop < MAX_CNAME_CHAIN; hop++) {
    const currentZone = zoneOf(ctx.state, current);
    if (!currentZone) break; // a CNAME out of our zones: the resolver follows it from here
    const { records, exists } = recordsAt(ctx.state, currentZone, current);
    if (!exists) {
      const rcode = hop === 0 ? RCODE.NXDOMAIN : RCODE.NOERROR;
      return { rcode, authoritative: true, answers, authorities: [soa(currentZone)] };
    }
    if (current === currentZone.name) answers.push(...apexAnswers(currentZone, owner, qtype));
    const proxied = records.some((r) => r.proxied && PROXIABLE.has(r.type));
    const others = records.filter((r) => !PROXIABLE.has(r.type));
    if (proxied) {
      if (qtype === "A" || qtype === "ANY")
        answers.push({ type: "A", name: owner, ttl: AUTO_TTL, data: ctx.edgeAddress });
      answers.push(...typed(owner, qtype === "A" ? "" : qtype, others));
      break;
    }
    const cname = records.find((r) => r.type === "CNAME");
    if (cname && qtype !== "CNAME") {
      answers.push(toAnswer(owner, cname) as Answer);
      current = cname.content;
      owner = cname.content;
      continue;
    }
    answers.push(...typed(owner, qtype, records));
    break;
  }
  const authorities = answers.length === 0 ? [soa(zone)] : [];
  return { rcode: RCODE.NOERROR, authoritative: true, answers, authorities };
}

/** The zone's own SOA and NS records at the apex. */
function apexAnswers(zone: ZoneRecord, owner: string, qtype: string): Answer[] {
  const out: Answer[] = [];
  if (qtype === "SOA" || qtype === "ANY") out.push({ ...soa(zone), name: owner });
  if (qtype === "NS" || qtype === "ANY") {
    for (const ns of NAME_SERVERS) out.push({ type: "NS", name: owner, ttl: 86400, data: ns });
  }
  return out;
}
