/**
 * The effects of the emulator's networking plan on this machine: Docker networks and VM container
 * endpoints (private-networks.ts) and the firewall chains (firewall-iptables.ts). Syncs run one at a
 * time, in the order they were asked for, so the last plan asked for is the one that stays. Removal
 * for `sandbox down --purge` lives here too, next to what it undoes.
 */
import { exec, run } from "../../util/exec.ts";
import { docker } from "../docker.ts";
import type { NetworkingFailure, NetworkingPlan } from "../hetzner/network-realization.ts";
import { refuseOverlappingRoutes } from "../network.ts";
import { VM_LABEL } from "./docker-machine-driver.ts";
import {
  firewallChains,
  HOOK_CHAINS,
  hookRule,
  isFirewallChain,
  restoreScript,
  savedChains,
} from "./firewall-iptables.ts";
import {
  hetznerNetworkId,
  NETWORK_LABEL,
  type NetworkStep,
  networkSteps,
  type ObservedNetworking,
} from "./private-networks.ts";

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

async function observe(): Promise<ObservedNetworking> {
  const names = lines(
    await docker(["network", "ls", "--filter", `label=${NETWORK_LABEL}`, "--format", "{{.Name}}"]),
  );
  const format = "{{range .IPAM.Config}}{{.Subnet}}{{end}} {{range .Containers}}{{.Name}} {{end}}";
  const networks = await Promise.all(
    names.map(async (name) => {
      const inspected = await docker(["network", "inspect", "--format", format, name]);
      const [subnet = "", ...members] = inspected.trim().split(/\s+/);
      return { name, subnet, members };
    }),
  );
  const vms = lines(await docker(["ps", "--all", "--filter", `label=${VM_LABEL}`, "--format", "{{.Names}}"]));
  const containers = new Map<number, Map<string, string>>();
  if (vms.length > 0) {
    const format = `{{index .Config.Labels "${VM_LABEL}"}} {{json .NetworkSettings.Networks}}`;
    for (const line of lines(await docker(["inspect", "--format", format, ...vms]))) {
      const space = line.indexOf(" ");
      const endpoints = JSON.parse(line.slice(space + 1)) as Record<
        string,
        { IPAddress?: string; IPAMConfig?: { IPv4Address?: string } | null }
      >;
      // A stopped container has no IPAddress, but keeps the address it was connected with.
      const map = new Map(
        Object.entries(endpoints).map(([net, ep]) => [net, ep.IPAMConfig?.IPv4Address || ep.IPAddress || ""]),
      );
      containers.set(Number(line.slice(0, space)), map);
    }
  }
  return { networks, containers };
}

async function applyFirewalls(plan: NetworkingPlan): Promise<void> {
  const existing = savedChains(await run(["iptables-save", "-t", "filter"]));
  await run(["iptables-restore", "--noflush"], {
    input: restoreScript(firewallChains(plan.servers), existing),
  });
  for (const chain of HOOK_CHAINS) {
    if ((await exec(["iptables", "-C", chain, ...hookRule()])).code !== 0)
      await run(["iptables", "-I", chain, "1", ...hookRule()]);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Docker networks and endpoints, one step at a time. A step that fails is reported against its
 * network and server and the network's later steps are skipped, so one network Docker refuses (its
 * range overlaps the host's routes or another network) does not hold back the others or the firewalls.
 */
async function applySteps(steps: readonly NetworkStep[]): Promise<NetworkingFailure[]> {
  const failures: NetworkingFailure[] = [];
  const broken = new Set<string>();
  for (const step of steps) {
    if (broken.has(step.network)) continue;
    try {
      if (step.kind === "create" && step.subnet) await refuseOverlappingRoutes(step.subnet);
      await docker(step.argv);
    } catch (error) {
      const networkId = hetznerNetworkId(step.network);
      failures.push({
        networkId,
        serverId: step.serverId ?? null,
        message: `${networkId === null ? "the sandbox network" : `network ${networkId}`}: ${message(error)}`,
      });
      if (step.kind === "create") broken.add(step.network);
    }
  }
  return failures;
}

export class DockerNetworking {
  private queue: Promise<unknown> = Promise.resolve();

  private readonly containerName: (serverId: number) => string;

  constructor(containerName: (serverId: number) => string) {
    this.containerName = containerName;
  }

  sync(plan: NetworkingPlan): Promise<NetworkingFailure[]> {
    const next = this.queue.then(() => this.apply(plan));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Firewalls are applied whatever happened to the networks; a firewall failure concerns everything. */
  private async apply(plan: NetworkingPlan): Promise<NetworkingFailure[]> {
    const failures = await applySteps(networkSteps(plan, await observe(), this.containerName));
    await applyFirewalls(plan);
    return failures;
  }
}

/** Removes the firewall hooks and chains (works with the Docker engine stopped). */
export async function removeFirewallRules(): Promise<void> {
  for (const chain of HOOK_CHAINS) {
    while ((await exec(["iptables", "-C", chain, ...hookRule()])).code === 0)
      await run(["iptables", "-D", chain, ...hookRule()]);
  }
  const ours = savedChains(await run(["iptables-save", "-t", "filter"])).filter(isFirewallChain);
  if (ours.length === 0) return;
  await run(["iptables-restore", "--noflush"], { input: restoreScript(new Map(), ours) });
}

/** Removes the Docker networks standing for Hetzner networks; their containers must be gone already. */
export async function removePrivateNetworks(): Promise<void> {
  const ids = lines(await docker(["network", "ls", "--quiet", "--filter", `label=${NETWORK_LABEL}`]));
  if (ids.length > 0) await docker(["network", "rm", ...ids]);
}
