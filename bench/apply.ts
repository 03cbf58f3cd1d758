/**
 * Apply's scheduler against the ideal: a synthetic DAG whose every operation takes a fixed latency, so
 * the best possible wall time is the critical path (longest dependency chain × latency), or the total
 * work divided by the concurrency when that is larger. Prints wall time over that bound; goal ≤ 1.2.
 * State is checkpointed after every operation as in a real run (to memory, and to a local state file).
 *   node bench/apply.ts        (or npm run bench:apply)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan } from "../src/engine/apply.ts";
import { LocalStateBackend } from "../src/engine/local-state.ts";
import { planChanges } from "../src/engine/plan.ts";
import type { ResourceNode } from "../src/engine/resource.ts";
import { emptyState, type StateBackend, StateStore } from "../src/engine/state.ts";
import {
  criticalPathLength,
  graph,
  MemoryBackend,
  memoryKind,
  type ObservedItem,
} from "./support/synthetic.ts";

const LATENCY_MS = 25;

async function run(
  label: string,
  build: (kind: ReturnType<typeof memoryKind>) => ResourceNode[],
  concurrency: number,
  backend: () => StateBackend,
) {
  const objects = new Map<string, ObservedItem>();
  const kind = memoryKind(objects, LATENCY_MS);
  const nodes = build(kind);
  const state = emptyState("bench");
  const observed = new Map<string, unknown>();
  const plan = await planChanges({ nodes, state, ctx: {}, observed, kinds: new Map([[kind.kind, kind]]) });
  const store = new StateStore(state, backend());
  const started = performance.now();
  const result = await applyPlan({ plan, state: store, ctx: {}, observed, concurrency });
  const wall = performance.now() - started;
  if (result.done.length !== nodes.length)
    throw new Error(`only ${result.done.length} of ${nodes.length} done`);
  const path = criticalPathLength(nodes) * LATENCY_MS;
  const bound = Math.max(path, (nodes.length * LATENCY_MS) / concurrency);
  console.log(
    `  ${label.padEnd(58)} ${String(nodes.length).padStart(4)} ops, concurrency ${String(concurrency).padStart(4)}: ` +
      `wall ${wall.toFixed(0).padStart(5)} ms, critical path ${String(path).padStart(5)} ms, ` +
      `bound ${bound.toFixed(0).padStart(5)} ms → ×${(wall / bound).toFixed(2)}`,
  );
}

/** `layers` layers of `width` resources, each depending on two of the layer before. */
function layered(kind: ReturnType<typeof memoryKind>, width: number, layers: number): ResourceNode[] {
  const nodes: ResourceNode[] = [];
  for (let l = 0; l < layers; l++) {
    for (let w = 0; w < width; w++) {
      const name = `l${l}w${w}`;
      const before = (k: number) => `bench.item.l${l - 1}w${k % width}`;
      nodes.push({
        address: `bench.item.${name}`,
        kind,
        name,
        input: { name, size: 1, tags: {} },
        dependsOn: l === 0 ? [] : [before(w), before(w + 1)],
      });
    }
  }
  return nodes;
}

const dir = mkdtempSync(join(tmpdir(), "slipway-bench-"));
let n = 0;
const memory = () => new MemoryBackend();
const local = () => new LocalStateBackend(join(dir, `run-${n++}`));

console.log(`apply, every operation ${LATENCY_MS} ms; ×1.00 is perfect, goal ≤ ×1.20:`);
await run("layered, 8 wide × 12 deep (fits the bound of 10)", (k) => layered(k, 8, 12), 10, memory);
await run("layered, 8 wide × 12 deep, local state file", (k) => layered(k, 8, 12), 10, local);
await run("random stack-like DAG", (k) => graph(k, 300, { window: 40, seed: 7 }), 10, memory);
await run(
  "random stack-like DAG, local state file",
  (k) => graph(k, 300, { window: 40, seed: 7 }),
  10,
  local,
);
await run("random stack-like DAG, unbounded", (k) => graph(k, 300, { window: 40, seed: 7 }), 1000, memory);
await run("wide: 1,000 independent resources", (k) => graph(k, 1000, { fanIn: 0 }), 10, memory);
await run(
  "wide: 1,000 independent resources, local state file",
  (k) => graph(k, 1000, { fanIn: 0 }),
  10,
  local,
);
rmSync(dir, { recursive: true, force: true });
