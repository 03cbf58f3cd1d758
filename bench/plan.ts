/**
 * Plan time for 1,000 / 2,000 / 4,000 synthetic resources with an in-memory provider, so what is
 * measured is the engine (graph, read scheduling, diffs), not a network. Sizes are timed in interleaved
 * rounds (so a busy machine slows them alike) and the fastest run per size is compared (the one least
 * disturbed by GC and other processes): growth ×2.0 per doubling is linear, ×4.0 quadratic.
 * Goal: 2,000 resources in under 1 s, growth close to ×2.
 *   node bench/plan.ts        (or npm run bench:plan)
 */
import { planChanges } from "../src/engine/plan.ts";
import type { ResourceNode } from "../src/engine/resource.ts";
import type { StateDocument } from "../src/engine/state.ts";
import { existing, graph, type Item, median, memoryKind, type ObservedItem } from "./support/synthetic.ts";

const SIZES = [1000, 2000, 4000];
const ROUNDS = 11;

interface Case {
  size: number;
  nodes: ResourceNode[];
  state: StateDocument;
  kinds: Map<string, ReturnType<typeof memoryKind>>;
  times: number[];
}

function build(size: number, window: number): Case {
  const objects = new Map<string, ObservedItem>();
  const kind = memoryKind(objects);
  const nodes = graph(kind, size, { window });
  const state = existing(nodes, objects);
  // Some drift so the plan has work: every tenth resource wants a new size.
  for (const [i, node] of nodes.entries()) if (i % 10 === 0) (node.input as Item).size = 2;
  return { size, nodes, state, kinds: new Map([[kind.kind, kind]]), times: [] };
}

for (const [label, window] of [
  ["stack-like DAG (each resource needs 2 of the 50 before it)", 50],
  ["one long chain (depth = size)", 1],
] as const) {
  const cases = SIZES.map((size) => build(size, window));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const c of cases) {
      const started = performance.now();
      await planChanges({ nodes: c.nodes, state: c.state, ctx: {}, observed: new Map(), kinds: c.kinds });
      if (round > 0) c.times.push(performance.now() - started); // round 0 warms the JIT
    }
  }
  console.log(`\nplan, ${label}, ${ROUNDS} rounds:`);
  let previous: number | undefined;
  for (const c of cases) {
    const fastest = Math.min(...c.times);
    const growth = previous ? `  growth ×${(fastest / previous).toFixed(2)} for ×2 resources` : "";
    console.log(
      `  ${String(c.size).padStart(5)} resources: fastest ${fastest.toFixed(1).padStart(6)} ms ` +
        `(${((fastest * 1000) / c.size).toFixed(1)} µs each), median ${median(c.times).toFixed(1).padStart(6)} ms${growth}`,
    );
    previous = fastest;
  }
}
