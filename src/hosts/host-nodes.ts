/**
 * The host resources of one server, from the stack's `hosts` and `ssh` sections: deploy user, sshd,
 * Docker engine, UFW, fail2ban, unattended upgrades, time zone, packages, sysctl and swap. Pure.
 * sshd waits for the user (its AllowUsers names it) and UFW for Docker (it fills DOCKER-USER).
 */
import type { Stack } from "../config/index.ts";
import { type AnyKind, address, type ResourceNode } from "../engine/resource.ts";
import { UsageError } from "../errors.ts";
import { deployUser } from "./deploy-user.ts";
import { DEFAULT_DOCKER_DAEMON, dockerEngine } from "./docker-engine.ts";
import { fail2ban } from "./fail2ban.ts";
import { packages } from "./packages.ts";
import { hardenedSshd, sshd } from "./sshd.ts";
import { swap } from "./swap.ts";
import { swarm } from "./swarm.ts";
import { sysctl } from "./sysctl.ts";
import { timezone } from "./timezone.ts";
import { type HostFirewallRule, ufw } from "./ufw.ts";
import { upgrades } from "./upgrades.ts";

export interface HostNodesInput {
  stack: Stack;
  group: string;
  /** Logical server name (group or group-N) and its hetzner.server address. */
  name: string;
  server: string;
  /** The key slipway logs in with. */
  publicKey: string;
  /** Cloudflare's ranges, when a rule admits "cloudflare". */
  cloudflareRanges?: readonly string[];
}

export function usesCloudflareRanges(stack: Stack): boolean {
  return stack.hosts.ufw.enabled && stack.hosts.ufw.allow.some((r) => r.from.includes("cloudflare"));
}

function firewallRules(stack: Stack, cloudflare: readonly string[] | undefined): HostFirewallRule[] {
  return stack.hosts.ufw.allow.map((rule, i) => ({
    port: String(rule.port),
    protocol: rule.protocol,
    from: rule.from.flatMap((source) => {
      if (source !== "cloudflare") return [source];
      if (!cloudflare) throw new UsageError(`hosts.ufw.allow[${i}].from: Cloudflare's ranges are not known`);
      return [...cloudflare];
    }),
  }));
}

export function hostNodes(input: HostNodesInput): ResourceNode[] {
  const { stack, name, server } = input;
  const { hosts } = stack;
  const user = stack.ssh.user;
  const ref = { server, user };
  const at = (kind: string) => address(kind, name);
  const node = (kind: AnyKind, nodeInput: unknown, after: string[] = []): ResourceNode => ({
    address: at(kind.kind),
    kind,
    name,
    input: nodeInput,
    dependsOn: [server, ...after],
    hostedOn: server,
  });
  const groups = swarmGroups(stack);
  const inSwarm = groups.includes(input.group);
  const nodes: ResourceNode[] = [
    node(deployUser, { ...ref, authorizedKeys: [input.publicKey, ...stack.ssh.authorizedKeys] }),
    node(sshd, { ...ref, settings: hardenedSshd(user) }, [at(deployUser.kind)]),
    node(dockerEngine, { ...ref, daemon: { ...DEFAULT_DOCKER_DAEMON, liveRestore: !inSwarm } }),
    node(timezone, { ...ref, timezone: hosts.timezone }),
  ];
  if (hosts.ufw.enabled) {
    const spec = stack.servers[input.group]!;
    const privateNetworks = hosts.ufw.allowPrivateNetworks
      ? Object.keys(spec.networks).flatMap((n) => (stack.networks[n] ? [stack.networks[n].ipRange] : []))
      : [];
    const rules = firewallRules(stack, input.cloudflareRanges);
    nodes.push(node(ufw, { ...ref, rules, privateNetworks }, [at(dockerEngine.kind)]));
  }
  if (hosts.fail2ban.enabled) {
    const { maxRetry, findTime, banTime } = hosts.fail2ban;
    nodes.push(
      node(fail2ban, {
        ...ref,
        maxRetry,
        findTimeSeconds: Math.round(findTime / 1000),
        banTimeSeconds: Math.round(banTime / 1000),
      }),
    );
  }
  if (hosts.upgrades.enabled) {
    nodes.push(
      node(upgrades, { ...ref, reboot: hosts.upgrades.reboot, rebootTime: hosts.upgrades.rebootTime }),
    );
  }
  if (inSwarm) nodes.push(swarmNode(stack, groups, input, node, at));
  if (hosts.packages.length > 0) nodes.push(node(packages, { ...ref, packages: hosts.packages }));
  if (Object.keys(hosts.sysctl).length > 0) {
    const values = Object.fromEntries(Object.entries(hosts.sysctl).map(([k, v]) => [k, String(v)]));
    nodes.push(node(sysctl, { ...ref, values }));
  }
  if (hosts.swap !== undefined) nodes.push(node(swap, { ...ref, sizeMiB: hosts.swap }));
  return nodes;
}

/** The groups whose servers form the swarm: those running a `runtime: "swarm"` service. */
export function swarmGroups(stack: Stack): string[] {
  return Object.keys(stack.servers).filter((g) =>
    Object.values(stack.services).some((s) => s.runtime === "swarm" && s.servers.includes(g)),
  );
}

/** The swarm's manager: the first server of the first swarm group; undefined without swarm services. */
export function swarmManagerName(stack: Stack): string | undefined {
  const first = swarmGroups(stack)[0];
  if (first === undefined) return undefined;
  return stack.servers[first]!.count === 1 ? first : `${first}-1`;
}

/**
 * Swarm membership: the first server of the first swarm group manages, the rest join it. Across several
 * servers the swarm needs a private network they all share (management, gossip and overlay traffic stay
 * off the public interface, and UFW admits the network).
 */
function swarmNode(
  stack: Stack,
  groups: string[],
  input: HostNodesInput,
  node: (kind: AnyKind, nodeInput: unknown, after?: string[]) => ResourceNode,
  at: (kind: string) => string,
): ResourceNode {
  const first = groups[0]!;
  const managerName = swarmManagerName(stack)!;
  const manager = address("hetzner.server", managerName);
  const servers = groups.reduce((n, g) => n + stack.servers[g]!.count, 0);
  const shared = Object.keys(stack.servers[first]!.networks).filter((net) =>
    groups.every((g) => net in stack.servers[g]!.networks),
  );
  if (servers > 1 && shared.length === 0) {
    throw new UsageError(
      `servers: the Swarm services run on ${servers} servers (groups ${groups.join(", ")}) that share no private network`,
      {
        hint: 'Put those groups on one network, e.g. networks: ["main"] on each, so swarm traffic stays private.',
      },
    );
  }
  const role = manager === input.server ? "manager" : "worker";
  const after =
    role === "worker" ? [at(dockerEngine.kind), address(swarm.kind, managerName)] : [at(dockerEngine.kind)];
  return node(swarm, { server: input.server, user: input.stack.ssh.user, role, manager }, after);
}

/** Every host kind, for the session's registry. */
export const HOST_KINDS: AnyKind[] = [
  deployUser,
  sshd,
  dockerEngine,
  ufw,
  fail2ban,
  upgrades,
  timezone,
  packages,
  sysctl,
  swap,
  swarm,
];
