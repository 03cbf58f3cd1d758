/**
 * Which servers `slipway ssh` and `slipway exec` mean: a server by its logical name (the group, or
 * group-N when the group has several), a whole group by its name, or every server. Pure.
 */
import { UsageError } from "../errors.ts";
import { closest } from "../util/closest.ts";

export interface NamedServer {
  /** Logical name: group or group-N. */
  name: string;
  group: string;
  /** The hetzner.server resource address. */
  address: string;
}

export function selectServers(
  servers: readonly NamedServer[],
  names: readonly string[],
  all: boolean,
): NamedServer[] {
  if (all) return [...servers];
  if (names.length === 0) {
    throw new UsageError("name a server or group, or pass --all", {
      hint: `Servers: ${servers.map((s) => s.name).join(", ") || "(none)"}.`,
    });
  }
  const picked = new Map<string, NamedServer>();
  for (const name of names) {
    const matches = servers.filter((s) => s.name === name || s.group === name);
    if (matches.length === 0) {
      const known = [...new Set(servers.flatMap((s) => [s.name, s.group]))];
      const guess = closest(name, known);
      throw new UsageError(`no server or group named "${name}"${guess ? `; did you mean "${guess}"?` : ""}`, {
        hint: `Servers: ${servers.map((s) => s.name).join(", ") || "(none)"}.`,
      });
    }
    for (const s of matches) picked.set(s.name, s);
  }
  return [...picked.values()];
}

/** A known_hosts line pinning `hostKey` for address:port (OpenSSH writes [addr]:port for other ports). */
export function knownHostsLine(address: string, port: number, hostKey: string): string {
  const host = port === 22 ? address : `[${address}]:${port}`;
  return `${host} ${hostKey.trim().split(/\s+/).slice(0, 2).join(" ")}`;
}

/** Splits output into lines prefixed with the host name, holding back an unfinished last line. */
export function prefixLines(
  prefix: string,
  pending: string,
  chunk: string,
): { lines: string[]; rest: string } {
  const text = pending + chunk;
  const parts = text.split("\n");
  const rest = parts.pop() ?? "";
  return { lines: parts.map((line) => `${prefix}${line}`), rest };
}
