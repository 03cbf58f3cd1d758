/**
 * Plan time for 1,000 / 2,000 / 4,000 synthetic resources with an in-memory provider, so what is
 * measured is the engine (graph, reads scheduling, diffs), not a network. Prints the fastest and the
 * median of a few runs per size, and the growth of the fastest from one size to the next: 2.0 is
 * linear, 4.0 quadratic (the fastest run is the one least disturbed by GC and other processes).
 * Goal: 2,000 resources in under 1 s, growth close to 2.
 *   node bench/plan.ts        (or npm run bench:plan)
 */
import { planChanges } from "../src/engine/plan.ts";
import type { Item, ObservedItem } from "./support/synthetic.ts";
import { existing, graph, median, memoryKind } from "./support/synthetic.ts";

const SIZES = [1000, 2000, 4000];
const RUNS = 9;

async function timePlan(
  count: number,
  shape: { window: number },
  changedEvery: number,
): Promise<{ fastest: number; median: number }> {
  const objects = new Map<string, ObservedItem>();
  const kind = memoryKind(objects);
  const nodes = graph(kind, count, { window: shape.window });
  const state = existing(nodes, objects);
  // Some drift so the plan has work: every n-th resource wants a new size.
  for (const [i, node] of nodes.entries()) if (i % changedEvery === 0) (node.input as Item).size = 2;
  const times: number[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const started = performance.now();
    await planChanges({ nodes, state, ctx: {}, observed: new Map(), kinds: new Map([[kind.kind, kind]]) });
    if (run > 0) times.push(performance.now() - started); // the first run warms the JIT
  }
  return { fastest: Math.min(...times), median: median(times) };
}

for (const [label, shape] of [
  ["stack-like DAG (each resource needs 2 of the 50 before it)", { window: 50 }],
  ["one long chain (depth = size)", { window: 1 }],
] as const) {
  console.log(`\nplan, ${label}, ${RUNS} runs each:`);
  let previous: number | undefined;
  for (const size of SIZES) {
    const { fastest, median: middle } = await timePlan(size, shape, 10);
    const growth = previous ? `  growth ×${(fastest / previous).toFixed(2)} for ×2 resources` : "";
    console.log(
      `  ${String(size).padStart(5)} resources: fastest ${fastest.toFixed(1).padStart(6)} ms ` +
        `(${((fastest * 1000) / size).toFixed(0)} µs each), median ${middle.toFixed(1).padStart(6)} ms${growth}`,
    );
    previous = fastest;
  }
}
