/**
 * Hetzner networks as Docker networks, planned as data: one internal bridge per Hetzner network with
 * the network's whole ip_range as its subnet and the Hetzner gateway (the range's first address) as its
 * gateway, so every subnet's servers reach each other directly, as Hetzner routes all subnets of a
 * network, and no server address can collide with Docker's gateway. `--internal` keeps the default
 * route on the public interface. A VM container also sits on the sandbox network at the address of
 * its public IPv4, or leaves it when the server has none. networkSteps() compares the plan with what
 * Docker reports and returns the steps that converge them, in an order Docker accepts.
 */
import type { NetworkingPlan } from "../hetzner/network-realization.ts";
import { containerAddress, SANDBOX_LABEL, SANDBOX_NETWORK } from "../layout.ts";

export const NETWORK_LABEL = "dev.slipway.sandbox.network-id";

export const dockerNetworkName = (networkId: number) => `slipway-net-${networkId}`;

export interface ObservedNetworking {
  /** Our Docker networks (labelled NETWORK_LABEL), their subnets and the containers on them. */
  readonly networks: readonly {
    readonly name: string;
    readonly subnet: string;
    /** Names of the containers attached: servers' and load balancers'. */
    readonly members: readonly string[];
  }[];
  /** Per existing VM container (by server id): Docker network name → IPv4 address on it. */
  readonly containers: ReadonlyMap<number, ReadonlyMap<string, string>>;
}

/** One docker command; `network` is the Docker network it touches, `serverId` the server's, if any. */
export interface NetworkStep {
  readonly kind: "create" | "docker";
  readonly network: string;
  readonly serverId?: number;
  /** For "create": the range, checked against the host's routes first. */
  readonly subnet?: string;
  readonly argv: string[];
}

export function createNetworkArgs(networkId: number, subnet: string, gateway: string): string[] {
  // biome-ignore format: one flag and its value per line
  return [
    "network", "create",
    "--driver", "bridge",
    "--internal",
    "--subnet", subnet,
    "--gateway", gateway,
    "--label", `${SANDBOX_LABEL}=1`,
    "--label", `${NETWORK_LABEL}=${networkId}`,
    dockerNetworkName(networkId),
  ];
}

const connect = (network: string, ip: string, container: string, serverId: number): NetworkStep => ({
  kind: "docker",
  network,
  serverId,
  argv: ["network", "connect", "--ip", ip, network, container],
});
const disconnect = (network: string, container: string, serverId?: number): NetworkStep => ({
  kind: "docker",
  network,
  ...(serverId === undefined ? {} : { serverId }),
  argv: ["network", "disconnect", "--force", network, container],
});

/** The Hetzner network id a Docker network stands for, or null for the sandbox network. */
export function hetznerNetworkId(dockerNetwork: string): number | null {
  const match = /^slipway-net-(\d+)$/.exec(dockerNetwork);
  return match ? Number(match[1]) : null;
}

export function networkSteps(
  plan: NetworkingPlan,
  observed: ObservedNetworking,
  containerName: (serverId: number) => string,
): NetworkStep[] {
  const steps: NetworkStep[] = [];
  const wanted = new Map(plan.networks.map((n) => [dockerNetworkName(n.id), n]));
  const existing = new Map(observed.networks.map((n) => [n.name, n.subnet]));
  const endpoints = new Map([...observed.containers].map(([id, eps]) => [id, new Map(eps)]));
  const dropNetwork = (name: string) => {
    const members = observed.networks.find((n) => n.name === name)?.members ?? [];
    for (const member of members) steps.push(disconnect(name, member));
    for (const eps of endpoints.values()) eps.delete(name);
    steps.push({ kind: "docker", network: name, argv: ["network", "rm", name] });
  };
  for (const [name, subnet] of existing) {
    const want = wanted.get(name);
    if (!want || want.ipRange !== subnet) dropNetwork(name); // gone, or its range grew: Docker cannot resize
  }
  for (const [name, n] of wanted) {
    if (existing.get(name) !== n.ipRange)
      steps.push({
        kind: "create",
        network: name,
        subnet: n.ipRange,
        argv: createNetworkArgs(n.id, n.ipRange, n.gateway),
      });
  }
  for (const server of plan.servers) {
    const eps = endpoints.get(server.id);
    if (!eps) continue; // no container yet: its create will sync again
    const container = containerName(server.id);
    const want = new Map(server.networks.map((a) => [dockerNetworkName(a.networkId), a.ip]));
    if (server.publicIpv4 !== null) want.set(SANDBOX_NETWORK, containerAddress(server.publicIpv4));
    for (const [name, ip] of eps) {
      const managed = name === SANDBOX_NETWORK || name.startsWith("slipway-net-");
      if (managed && want.get(name) !== ip) {
        steps.push(disconnect(name, container, server.id));
        eps.delete(name);
      }
    }
    for (const [name, ip] of want) if (!eps.has(name)) steps.push(connect(name, ip, container, server.id));
  }
  return steps;
}
