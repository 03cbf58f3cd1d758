/**
 * Which hostnames the sandbox edge serves and where each one's origin is, derived from the Cloudflare
 * emulator's state (pure). A name is served when any of its A/AAAA/CNAME records is proxied; its origins
 * are the A records' addresses (a proxied CNAME is followed through the zones' unproxied records, as
 * Cloudflare resolves it). Origins given as sandbox public addresses (127.0.X.Y) are dialled at their
 * container address (172.29.X.Y): the edge is a container, and that is where a server really lives.
 */
import type { DnsRecord, SslMode, State } from "../cloudflare/state.ts";
import { PUBLIC_RANGES } from "../layout.ts";

export interface EdgeSite {
  readonly zone: string;
  /** The record's name as served, e.g. `app.example.test` or `*.example.test`. */
  readonly host: string;
  readonly ssl: SslMode;
  /** Addresses the edge dials, IPv4 first. */
  readonly origins: readonly string[];
}

const PUBLIC_PREFIXES = Object.values(PUBLIC_RANGES).map((range) => range.replace(/\d+\/24$/, ""));

/** 127.0.1.5 → 172.29.1.5 for the sandbox's public ranges; any other address is dialled as it is. */
export function dialAddress(address: string): string {
  return PUBLIC_PREFIXES.some((prefix) => address.startsWith(prefix))
    ? address.replace(/^127\.0\./, "172.29.")
    : address;
}

function addressesOf(state: State, name: string, depth = 0): string[] {
  if (depth > 8) return [];
  const records = state.records.filter((r) => r.name === name);
  const direct = records.filter((r) => r.type === "A" || r.type === "AAAA");
  if (direct.length > 0) return byFamily(direct);
  const cname = records.find((r) => r.type === "CNAME");
  return cname ? addressesOf(state, cname.content, depth + 1) : [];
}

function byFamily(records: readonly DnsRecord[]): string[] {
  const v4 = records.filter((r) => r.type === "A").map((r) => r.content);
  const v6 = records.filter((r) => r.type === "AAAA").map((r) => r.content);
  return [...v4, ...v6];
}

export function edgeSites(state: State): EdgeSite[] {
  const sites: EdgeSite[] = [];
  for (const zone of state.zones.filter((z) => !z.paused)) {
    const proxied = state.records.filter(
      (r) => r.zoneId === zone.id && r.proxied && ["A", "AAAA", "CNAME"].includes(r.type),
    );
    for (const host of [...new Set(proxied.map((r) => r.name))].sort()) {
      const own = proxied.filter((r) => r.name === host);
      const direct = own.filter((r) => r.type !== "CNAME");
      const cname = own.find((r) => r.type === "CNAME");
      const addresses = direct.length > 0 ? byFamily(direct) : cname ? addressesOf(state, cname.content) : [];
      sites.push({ zone: zone.name, host, ssl: zone.ssl, origins: [...new Set(addresses.map(dialAddress))] });
    }
  }
  return sites;
}
