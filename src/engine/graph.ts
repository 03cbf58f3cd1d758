/**
 * The stack as a DAG of resources: ordering for apply (dependencies first) and destroy (dependents
 * first), with cycles and dangling references reported by address.
 */
import type { ResourceNode } from "./resource.ts";

export class GraphError extends Error {}

/** Kahn's algorithm; among ready nodes keeps the given order, so plans read the same every run. */
export function topologicalOrder<T extends { address: string; dependsOn: readonly string[] }>(
  nodes: readonly T[],
): T[] {
  const byAddress = new Map(nodes.map((n) => [n.address, n]));
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    indegree.set(node.address, 0);
    dependents.set(node.address, []);
  }
  for (const node of nodes) {
    for (const dep of new Set(node.dependsOn)) {
      if (!byAddress.has(dep))
        throw new GraphError(`${node.address} depends on ${dep}, which the stack does not define`);
      indegree.set(node.address, indegree.get(node.address)! + 1);
      dependents.get(dep)!.push(node.address);
    }
  }
  const position = new Map(nodes.map((n, i) => [n.address, i]));
  const ready = nodes.filter((n) => indegree.get(n.address) === 0).map((n) => n.address);
  const order: T[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const next = ready.shift()!;
    order.push(byAddress.get(next)!);
    for (const dependent of dependents.get(next)!) {
      const left = indegree.get(dependent)! - 1;
      indegree.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((n) => !order.includes(n)).map((n) => n.address);
    throw new GraphError(`dependency cycle among: ${stuck.join(", ")}`);
  }
  return order;
}

/** Addresses that depend on `address`, directly or through others. */
export function transitiveDependents(nodes: readonly ResourceNode[], target: string): Set<string> {
  const result = new Set<string>();
  let frontier = [target];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const node of nodes) {
      if (result.has(node.address)) continue;
      if (
        node.dependsOn.some((d) => frontier.includes(d)) ||
        (node.hostedOn && frontier.includes(node.hostedOn))
      ) {
        result.add(node.address);
        next.push(node.address);
      }
    }
    frontier = next;
  }
  return result;
}
