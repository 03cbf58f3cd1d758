/**
 * Synthetic stacks for engine benchmarks: an in-memory provider (reads and writes are Map operations,
 * optionally after a fixed latency) and resource graphs shaped like real stacks (each resource needs a
 * few earlier ones), generated from a seed so every run measures the same graph.
 */
import { change, type ResourceKind, type ResourceNode } from "../../src/engine/resource.ts";
import { emptyState, type StateBackend, type StateDocument } from "../../src/engine/state.ts";

export interface Item {
  name: string;
  size: number;
  tags: Record<string, string>;
}
export interface ObservedItem extends Item {
  id: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A kind over a Map; every create/update/delete takes `latencyMs` (reads take none). */
export function memoryKind(
  objects: Map<string, ObservedItem>,
  latencyMs = 0,
): ResourceKind<Item, ObservedItem> {
  const wait = () => (latencyMs > 0 ? sleep(latencyMs) : Promise.resolve());
  return {
    kind: "bench.item",
    id: (item) => item.id,
    read: async (_ctx, id) => objects.get(id) ?? null,
    diff: (want, have) => [...change("size", have.size, want.size), ...change("tags", have.tags, want.tags)],
    async create(_ctx, want) {
      await wait();
      const item = { ...want, id: `id-${want.name}` };
      objects.set(item.id, item);
      return item;
    },
    async update(_ctx, have, want) {
      await wait();
      const item = { ...have, ...want };
      objects.set(item.id, item);
      return item;
    },
    async delete(_ctx, have) {
      await wait();
      objects.delete(have.id);
    },
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` resources; each depends on up to `fanIn` resources among the `window` before it, so the graph
 * has both breadth and depth (a window of 1 gives a chain).
 */
export function graph(
  kind: ResourceKind<Item, ObservedItem>,
  count: number,
  options: { fanIn?: number; window?: number; seed?: number } = {},
): ResourceNode[] {
  const next = random(options.seed ?? 1);
  const fanIn = options.fanIn ?? 2;
  const window = options.window ?? 50;
  const nodes: ResourceNode[] = [];
  for (let i = 0; i < count; i++) {
    const deps = new Set<string>();
    for (let d = 0; d < fanIn && i > 0; d++) {
      const j = Math.max(0, i - 1 - Math.floor(next() * Math.min(window, i)));
      deps.add(nodes[j]!.address);
    }
    const name = `r${i}`;
    nodes.push({
      address: `bench.item.${name}`,
      kind,
      name,
      input: { name, size: 1, tags: { stack: "bench", index: String(i) } },
      dependsOn: [...deps],
    });
  }
  return nodes;
}

/** State as a previous run would leave it, with the objects in `objects`. */
export function existing(nodes: ResourceNode[], objects: Map<string, ObservedItem>): StateDocument {
  const doc = emptyState("bench");
  for (const node of nodes) {
    const item = { ...(node.input as Item), id: `id-${node.name}` };
    objects.set(item.id, item);
    doc.resources[node.address] = {
      kind: "bench.item",
      id: item.id,
      outputs: item,
      dependsOn: [...node.dependsOn],
    };
  }
  return doc;
}

/** A backend that keeps only the last document (what a fast local disk costs, minus the disk). */
export class MemoryBackend implements StateBackend {
  readonly location = "memory";
  last: StateDocument | null = null;
  writes = 0;
  async read() {
    return this.last;
  }
  async write(doc: StateDocument) {
    this.last = doc;
    this.writes++;
  }
}

/** The longest chain of dependencies, in operations. */
export function criticalPathLength(nodes: ResourceNode[]): number {
  const depth = new Map<string, number>();
  for (const node of nodes) {
    depth.set(node.address, 1 + Math.max(0, ...node.dependsOn.map((d) => depth.get(d) ?? 0)));
  }
  return Math.max(0, ...depth.values());
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
