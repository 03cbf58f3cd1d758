// Applying deletes: dependents first, the concurrency bound, and a failure that keeps what others still need.
import { describe, expect, it } from "vitest";
import { applyPlan } from "../../../src/engine/apply.ts";
import { planChanges } from "../../../src/engine/plan.ts";
import type { AnyKind } from "../../../src/engine/resource.ts";
import type { StateDocument } from "../../../src/engine/state.ts";
import { MemoryCloud, recordingStore, stateWith, thingKind } from "./memory-cloud.ts";

/** Plans against an empty stack (everything in state goes) and applies it. */
async function destroy(kind: AnyKind, doc: StateDocument, concurrency = 4) {
  const observed = new Map<string, unknown>();
  const plan = await planChanges({
    nodes: [],
    state: doc,
    ctx: {},
    observed,
    kinds: new Map([[kind.kind, kind]]),
  });
  const { backend, store } = recordingStore(doc);
  const result = await applyPlan({ plan, state: store, ctx: {}, observed, concurrency });
  return { result, backend, store, observed };
}

describe("applyPlan deletes", () => {
  it("deletes dependents first, forgets resources that go with their host, and drops generated values", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const host = cloud.add({ name: "host", size: 1 });
    const net = cloud.add({ name: "net", size: 1 });
    const doc = stateWith({
      "memory.thing.net": { thing: net },
      "memory.thing.host": { thing: host, dependsOn: ["memory.thing.net"] },
      "memory.thing.app": {
        thing: { id: "on-host", name: "app", size: 1 },
        dependsOn: ["memory.thing.host"],
        hostedOn: "memory.thing.host",
      },
    });
    doc.generated["memory.thing.host"] = { hostKeyPublic: "k" };
    const { result, backend, store, observed } = await destroy(kind, doc);
    expect(result).toEqual({
      done: ["memory.thing.app", "memory.thing.host", "memory.thing.net"],
      failed: [],
      skipped: [],
    });
    expect(cloud.log.filter((l) => !l.startsWith("read"))).toEqual([
      "start delete host",
      "end delete host",
      "start delete net",
      "end delete net",
    ]);
    expect(backend.written.map((d) => Object.keys(d.resources))).toEqual([
      ["memory.thing.net", "memory.thing.host"],
      ["memory.thing.net"],
      [],
    ]);
    expect(store.document.generated).toEqual({});
    expect(observed.size).toBe(0);
    expect(cloud.objects.size).toBe(0);
  });

  it.each([
    [1, 1],
    [2, 2],
    [10, 5],
  ])("with concurrency %i runs at most %i of five independent deletes at once", async (concurrency, most) => {
    const cloud = new MemoryCloud();
    const things = ["a", "b", "c", "d", "e"].map((name) => cloud.add({ name, size: 1 }));
    const doc = stateWith(Object.fromEntries(things.map((t) => [`memory.thing.${t.name}`, { thing: t }])));
    const { result } = await destroy(thingKind(cloud), doc, concurrency);
    expect(cloud.maxInFlight).toBe(most);
    expect(result.done).toHaveLength(5);
  });

  it("keeps what a failed delete still needs, and deletes the rest", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { failDelete: new Set(["server"]) });
    const [net, server, key, other] = ["net", "server", "key", "other"].map((name) =>
      cloud.add({ name, size: 1 }),
    );
    const doc = stateWith({
      "memory.thing.net": { thing: net! },
      "memory.thing.key": { thing: key! },
      "memory.thing.server": { thing: server!, dependsOn: ["memory.thing.net", "memory.thing.key"] },
      "memory.thing.other": { thing: other! },
    });
    const { result, store } = await destroy(kind, doc, 1);
    expect(result.failed.map((f) => [f.address, (f.error as Error).message])).toEqual([
      ["memory.thing.server", "server is still in use"],
    ]);
    expect(result.skipped.sort()).toEqual(["memory.thing.key", "memory.thing.net"]);
    expect(result.done).toEqual(["memory.thing.other"]);
    expect(Object.keys(store.document.resources).sort()).toEqual([
      "memory.thing.key",
      "memory.thing.net",
      "memory.thing.server",
    ]);
  });
});
