/**
 * The insight folder (diagrams, cost, CI workflows, status and logs) reads the stack, never changes it.
 * This file turns a parsed stack into the facts those views share: every server with its group, type,
 * place and addresses, and what runs on it. Pure; live values (public IPs, status) come in as a map
 * read from state, so the same code draws the plan and the running stack.
 */
import type { Accessory, Stack } from "../config/index.ts";
import { serverInstances } from "../stack/resources.ts";

/** What state last observed of a server, by instance name ("web-1"). */
export interface LiveServer {
  ipv4: string | null;
  status: string;
}

export interface ServerFact {
  group: string;
  /** Instance name: the group, or group-N. */
  name: string;
  /** Name in Hetzner: <stack>-<name>. */
  cloudName: string;
  type: string;
  location: string;
  /** Private addresses by network, with the subnet they come from ("10.0.2.10" or null if assigned). */
  networks: { network: string; subnet: string | undefined; ip: string | null }[];
  services: string[];
  /** Accessories this server runs, with their role. */
  accessories: { name: string; role: "primary" | "replica" }[];
  live: LiveServer | undefined;
}

export interface StackFacts {
  stack: Stack;
  servers: ServerFact[];
  /** Whether live values from state are shown. */
  live: boolean;
}

export function stackFacts(stack: Stack, live?: ReadonlyMap<string, LiveServer>): StackFacts {
  const servers = serverInstances(stack).map((instance): ServerFact => {
    const spec = stack.servers[instance.group]!;
    const index = spec.count === 1 ? 0 : Number(instance.name.slice(instance.group.length + 1)) - 1;
    return {
      group: instance.group,
      name: instance.name,
      cloudName: instance.cloudName,
      type: spec.type,
      location: spec.location,
      networks: Object.entries(spec.networks).map(([network, attachment]) => ({
        network,
        subnet: attachment.subnet,
        ip: attachment.ips?.[index] ?? null,
      })),
      services: Object.entries(stack.services)
        .filter(([, service]) => service.servers.includes(instance.group))
        .map(([name]) => name),
      accessories: Object.entries(stack.accessories).flatMap(
        ([name, accessory]): ServerFact["accessories"] => {
          if (accessory.server === instance.group) return [{ name, role: "primary" }];
          if (accessory.replicas.includes(instance.group)) return [{ name, role: "replica" }];
          return [];
        },
      ),
      live: live?.get(instance.name),
    };
  });
  return { stack, servers, live: live !== undefined && live.size > 0 };
}

/** "10.0.2.10" style private addresses of a server, or "" when Hetzner assigns them. */
export function privateIps(server: ServerFact): string[] {
  return server.networks.flatMap((n) => (n.ip ? [n.ip] : []));
}

export function accessoryKind(accessory: Accessory): string {
  return accessory.type === "generic" ? accessory.image : `${accessory.type} ${accessory.version}`;
}

/** Server groups whose servers serve HTTP(S) to the public (a service with domains runs there). */
export function webGroups(stack: Stack): Set<string> {
  return new Set(
    Object.values(stack.services)
      .filter((s) => s.domains.length > 0)
      .flatMap((s) => s.servers),
  );
}

export function serversOf(facts: StackFacts, group: string): ServerFact[] {
  return facts.servers.filter((s) => s.group === group);
}
