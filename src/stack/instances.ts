/**
 * The stack's servers one by one: a group of `count` servers is group-1 … group-N, a group of one is
 * named after the group. Every place that names a server by its group derives it here.
 */
import type { Stack } from "../config/index.ts";
import { address } from "../engine/resource.ts";
import { server } from "../providers/hetzner/server.ts";

export interface ServerInstance {
  group: string;
  /** Logical name: the group, or group-N when the group has several servers. */
  name: string;
  /** Hetzner name: <stack>-<name>. */
  cloudName: string;
  address: string;
}

export function serverInstances(stack: Stack): ServerInstance[] {
  return Object.entries(stack.servers).flatMap(([group, spec]) =>
    Array.from({ length: spec.count }, (_, i) => {
      const name = spec.count === 1 ? group : `${group}-${i + 1}`;
      return { group, name, cloudName: `${stack.name}-${name}`, address: address(server.kind, name) };
    }),
  );
}
