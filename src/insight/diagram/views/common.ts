/**
 * Labels every view writes the same way: a server as its Hetzner name, type and place, private
 * addresses, and (with state) its public address and status; an accessory as its product and role.
 */
import { accessoryKind, privateIps, type ServerFact, type StackFacts } from "../../facts.ts";

export function serverLines(server: ServerFact): string[] {
  const live = server.live;
  return [
    server.cloudName,
    `${server.type} · ${server.location}`,
    ...privateIps(server).map((ip) => `private ${ip}`),
    ...(live ? [`public ${live.ipv4 ?? "none"} · ${live.status}`] : []),
  ];
}

export function accessoryLines(facts: StackFacts, name: string): string[] {
  const accessory = facts.stack.accessories[name]!;
  const replicas = accessory.replicas.length > 0 ? ` + ${accessory.replicas.length} replica(s)` : "";
  return [`${name}: ${accessoryKind(accessory)}`, `port ${accessory.port ?? "-"}${replicas}`];
}

/** Service and accessory names of a stack, for views that list "what runs". */
export function serviceNames(facts: StackFacts): string[] {
  return Object.keys(facts.stack.services);
}

/** "api ×2" when a service runs several containers per server. */
export function serviceLabel(facts: StackFacts, name: string): string {
  const replicas = facts.stack.services[name]!.replicas;
  return replicas > 1 ? `${name} ×${replicas}` : name;
}
