/**
 * The stack as a DAG of resources: ordering for apply (dependencies first) and destroy (dependents
 * first), with cycles and dangling references reported by address.
 */

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
