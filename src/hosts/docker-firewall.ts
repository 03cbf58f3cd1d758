/**
 * Keeps Docker's published ports behind the host firewall. Docker publishes a port with a DNAT rule, so
 * the packet is *forwarded* to the container and never meets UFW's INPUT rules: `-p 8080:80` is open to
 * the world whatever UFW says. Docker sends forwarded traffic through the DOCKER-USER chain first, so
 * slipway fills that chain with the same allow list as UFW, matched on the port the client asked for
 * (`--ctorigdstport`: after DNAT the packet carries the container's port), and drops every other new
 * connection from outside. Traffic from containers, replies, and the stack's private networks pass.
 * The rules live in a marked block of /etc/ufw/after.rules, so UFW loads them at boot and on reload.
 * Pure: returns text.
 */
import { quote } from "../util/shell.ts";
import type { HostFirewallRule } from "./ufw.ts";

export const AFTER_RULES = "/etc/ufw/after.rules";
export const BLOCK_BEGIN = "# BEGIN slipway: published Docker ports stay behind the firewall";
export const BLOCK_END = "# END slipway";

/** The DOCKER-USER rules, each exactly as `iptables -S DOCKER-USER` prints it back. */
export function dockerUserRules(rules: readonly HostFirewallRule[], privateNetworks: readonly string[]) {
  const chain = "-A DOCKER-USER";
  const lines = [
    `${chain} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
    // From containers (default bridge, user networks, Swarm's gateway bridge): outbound and between them.
    `${chain} -i docker0 -j RETURN`,
    `${chain} -i br-+ -j RETURN`,
    `${chain} -i docker_gwbridge -j RETURN`,
    ...privateNetworks.map((cidr) => `${chain} -s ${iptablesCidr(cidr)} -j RETURN`),
  ];
  for (const rule of rules) {
    const port = rule.port.replace("-", ":");
    for (const source of rule.from) {
      if (source.includes(":")) continue; // IPv6 source: Docker's IPv6 NAT is off by default
      const from = source === "any" ? "" : ` -s ${iptablesCidr(source)}`;
      lines.push(`${chain}${from} -p ${rule.protocol} -m conntrack --ctorigdstport ${port} -j RETURN`);
    }
  }
  lines.push(`${chain} -j DROP`);
  return lines;
}

/** iptables prints a single address as /32. */
function iptablesCidr(cidr: string): string {
  return cidr.includes("/") ? cidr : `${cidr}/32`;
}

/** The block for after.rules: in iptables-restore --noflush, declaring the chain flushes it first. */
export function afterRulesBlock(rules: readonly HostFirewallRule[], privateNetworks: readonly string[]) {
  return [
    BLOCK_BEGIN,
    "*filter",
    ":DOCKER-USER - [0:0]",
    ...dockerUserRules(rules, privateNetworks),
    "COMMIT",
    BLOCK_END,
    "",
  ].join("\n");
}

/** Shell that prints after.rules' slipway block (empty when absent). */
export function extractBlock(): string {
  return `awk -v b=${quote(BLOCK_BEGIN)} -v e=${quote(BLOCK_END)} '$0 == b {on=1} on {print} $0 == e {on=0}' ${AFTER_RULES}`;
}

/** Shell that replaces after.rules' slipway block with the one in file `block`. */
export function replaceBlock(blockFile: string): string {
  return [
    `awk -v b=${quote(BLOCK_BEGIN)} -v e=${quote(BLOCK_END)} '$0 == b {skip=1} !skip {print} $0 == e {skip=0}' ${AFTER_RULES} > ${AFTER_RULES}.slipway-tmp`,
    `cat ${blockFile} >> ${AFTER_RULES}.slipway-tmp`,
    `chmod 640 ${AFTER_RULES}.slipway-tmp && mv -f ${AFTER_RULES}.slipway-tmp ${AFTER_RULES}`,
  ].join("\n");
}
