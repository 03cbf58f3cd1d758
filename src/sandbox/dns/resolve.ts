/**
 * `slipway sandbox resolve NAME [--type T]`: asks the sandbox's authoritative DNS server (127.0.2.3) and
 * renders the answer like `dig +short`, one record per line. Failures become user errors that say what
 * the answer means (no such name, no record of that type, not a sandbox zone, server down).
 */
import { Resolver } from "node:dns/promises";
import { UsageError, UserError } from "../../errors.ts";
import { SERVICE_ADDRESSES } from "../layout.ts";

export const RESOLVE_TYPES = ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SOA"] as const;
export type ResolveType = (typeof RESOLVE_TYPES)[number];

export function parseResolveType(raw: string | undefined): ResolveType {
  const type = (raw ?? "A").toUpperCase();
  if (!(RESOLVE_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`--type ${raw}: not a record type the sandbox serves`, {
      hint: `Use one of ${RESOLVE_TYPES.join(", ")}.`,
    });
  }
  return type as ResolveType;
}

/** One line per record, dig +short style. */
export function renderRecords(type: ResolveType, records: unknown[]): string[] {
  return records.map((record) => {
    switch (type) {
      case "MX": {
        const mx = record as { priority: number; exchange: string };
        return `${mx.priority} ${mx.exchange}.`;
      }
      case "TXT":
        return (record as string[]).map((part) => JSON.stringify(part)).join(" ");
      case "CNAME":
      case "NS":
        return `${String(record)}.`;
      default:
        return String(record);
    }
  });
}

export async function resolveInSandbox(
  name: string,
  type: ResolveType,
  server = `${SERVICE_ADDRESSES.dns}:53`,
): Promise<string[]> {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([server]);
  try {
    const records: unknown =
      type === "SOA" ? [await resolver.resolveSoa(name)] : await resolver.resolve(name, type);
    if (type === "SOA") {
      const soa = (records as { nsname: string; hostmaster: string; serial: number }[])[0]!;
      return [`${soa.nsname}. ${soa.hostmaster}. ${soa.serial}`];
    }
    return renderRecords(type, records as unknown[]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTFOUND") throw new UserError(`${name} does not exist (NXDOMAIN)`);
    if (code === "ENODATA") throw new UserError(`${name} exists but has no ${type} record`);
    if (code === "EREFUSED") {
      throw new UserError(`${name} is in none of the sandbox's Cloudflare zones`, {
        hint: "Create the zone first (POST /zones, e.g. with the cloudflare SDK and CLOUDFLARE_BASE_URL).",
      });
    }
    throw new UserError(`the sandbox DNS server at ${server} did not answer (${code ?? String(error)})`, {
      hint: "Is the sandbox up? Start it with: slipway sandbox up",
    });
  }
}
