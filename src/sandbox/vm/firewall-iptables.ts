/**
 * Hetzner firewalls as host iptables rules, built as data (nothing here runs a process). One dispatch
 * chain, SBX-FW, is jumped to from OUTPUT (the host's own connections to 127.0.1.x, which NETMAP has
 * already turned into 172.29.1.x when the filter table sees them) and from DOCKER-USER (connections
 * between containers on the sandbox bridge: other servers, load balancers). It sends each *new*
 * connection to or from a firewalled server's public interface to that server's chain: SBX-FWI-<id>
 * for inbound, where allowed rules RETURN and the rest is dropped (Hetzner drops, it does not reject),
 * and SBX-FWO-<id> for outbound, only when some applied firewall has an `out` rule. Replies of allowed
 * connections are never new, so they pass. Private networks are not filtered, as on Hetzner, and the
 * VM's own iptables (its UFW) stay its own. The whole table is written in one iptables-restore
 * transaction, so a change never leaves a window without rules.
 */

import type { FirewallRuleMatch, ServerNetworking } from "../hetzner/network-realization.ts";
import { containerAddress, PUBLIC_RANGES } from "../layout.ts";

export const DISPATCH_CHAIN = "SBX-FW";
const SERVER_CHAIN = /^SBX-FW[IO]-\d+$/;
export const HOOK_CHAINS = ["OUTPUT", "DOCKER-USER"] as const;
const HOOK_COMMENT = "slipway-sandbox-firewall";

export const inboundChain = (serverId: number) => `SBX-FWI-${serverId}`;
export const outboundChain = (serverId: number) => `SBX-FWO-${serverId}`;

/** The rule (after `-I CHAIN` / `-C CHAIN` / `-D CHAIN`) that sends a hook chain's packets to SBX-FW. */
export function hookRule(): string[] {
  return ["-m", "comment", "--comment", HOOK_COMMENT, "-j", DISPATCH_CHAIN];
}

/** Whether a chain name is one of ours (dispatch or per server), as listed by iptables-save. */
export function isFirewallChain(name: string): boolean {
  return name === DISPATCH_CHAIN || SERVER_CHAIN.test(name);
}

/**
 * A rule's CIDRs as the host sees sources and destinations: a loopback public address also matches the
 * sandbox-network address it stands for (a server reaching 127.0.1.7 arrives from 172.29.1.7).
 */
export function hostCidrs(cidr: string): string[] {
  const [address = "", bits = "32"] = cidr.split("/");
  const inPublicRange = Object.values(PUBLIC_RANGES).some((range) => {
    const prefix = range.split(".").slice(0, 3).join(".");
    return address.startsWith(`${prefix}.`) && Number(bits) >= 24;
  });
  return inPublicRange ? [cidr, `${containerAddress(address)}/${bits}`] : [cidr];
}

function matchArgs(m: FirewallRuleMatch): string[] {
  const port = m.port === null ? [] : ["--dport", m.port.replace("-", ":")];
  return ["-p", m.protocol, ...port];
}

function ruleChain(matches: readonly FirewallRuleMatch[], side: "-s" | "-d"): string[][] {
  const rules = matches.flatMap((m) =>
    m.cidrs.flatMap(hostCidrs).map((cidr) => [side, cidr, ...matchArgs(m), "-j", "RETURN"]),
  );
  return [...rules, ["-j", "DROP"]];
}

/** Every chain of the firewall table and its rules (each an argv after `-A CHAIN`), dispatch first. */
export function firewallChains(servers: readonly ServerNetworking[]): Map<string, string[][]> {
  const chains = new Map<string, string[][]>([[DISPATCH_CHAIN, []]]);
  const dispatch = chains.get(DISPATCH_CHAIN) ?? [];
  for (const s of servers) {
    if (!s.firewall || s.publicIpv4 === null) continue;
    const address = `${containerAddress(s.publicIpv4)}/32`;
    const isNew = ["-m", "conntrack", "--ctstate", "NEW"];
    dispatch.push(["-d", address, ...isNew, "-j", inboundChain(s.id)]);
    chains.set(inboundChain(s.id), ruleChain(s.firewall.inbound, "-s"));
    if (s.firewall.outbound !== null) {
      dispatch.push(["-s", address, ...isNew, "-j", outboundChain(s.id)]);
      chains.set(outboundChain(s.id), ruleChain(s.firewall.outbound, "-d"));
    }
  }
  return chains;
}

/**
 * The iptables-restore input (for `--noflush`) that makes the filter table's firewall chains exactly
 * `chains`: declaring a chain flushes it, and chains we made that are no longer wanted are deleted once
 * nothing jumps to them.
 */
export function restoreScript(
  chains: ReadonlyMap<string, readonly string[][]>,
  existing: readonly string[],
): string {
  const stale = existing.filter((name) => isFirewallChain(name) && !chains.has(name));
  const lines = [
    "*filter",
    ...[...chains.keys(), ...stale].map((name) => `:${name} - [0:0]`),
    ...[...chains].flatMap(([name, rules]) => rules.map((rule) => `-A ${name} ${rule.join(" ")}`)),
    ...stale.map((name) => `-X ${name}`),
    "COMMIT",
  ];
  return `${lines.join("\n")}\n`;
}

/** The chain names in `iptables-save -t filter` output. */
export function savedChains(save: string): string[] {
  return save
    .split("\n")
    .filter((line) => line.startsWith(":"))
    .map((line) => line.slice(1).split(" ")[0] ?? "");
}
