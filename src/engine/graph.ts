/**
 * The stack as a DAG of resources: ordering for apply (dependencies first) and destroy (dependents
 * first), with cycles and dangling references reported by address. Linear apart from the heap that
 * keeps ready nodes in the order given, so thousands of resources order in milliseconds.
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
  const ready = new MinHeap<string>((a, b) => position.get(a)! - position.get(b)!);
  for (const node of nodes) if (indegree.get(node.address) === 0) ready.push(node.address);
  const order: T[] = [];
  while (ready.size > 0) {
    const next = ready.pop()!;
    order.push(byAddress.get(next)!);
    for (const dependent of dependents.get(next)!) {
      const left = indegree.get(dependent)! - 1;
      indegree.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length !== nodes.length) {
    const placed = new Set(order);
    const stuck = nodes.filter((n) => !placed.has(n)).map((n) => n.address);
    throw new GraphError(`dependency cycle among: ${stuck.join(", ")}`);
  }
  return order;
}

/** A binary min-heap: the ready set of a topological walk, smallest (earliest-listed) first. */
export class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly before: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.before = compare;
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.before(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && this.before(items[left]!, items[least]!) < 0) least = left;
      if (right < items.length && this.before(items[right]!, items[least]!) < 0) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }
}
