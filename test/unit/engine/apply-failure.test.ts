// Apply when things fail: only dependents stop, independent work finishes, state matches the cloud, and a replaced object whose delete failed is deleted by the next run.
import { describe, expect, it } from "vitest";
import { applyPlan } from "../../../src/engine/apply.ts";
import type { ResourceNode } from "../../../src/engine/resource.ts";
import { emptyState, type StateDocument } from "../../../src/engine/state.ts";
import { MemoryCloud, node, plan, recordingStore, stateWith, thingKind } from "./memory-cloud.ts";

const T = (name: string) => `memory.thing.${name}`;

async function run(nodes: ResourceNode[], doc: StateDocument, concurrency = 4) {
  const observed = new Map<string, unknown>();
  const planned = await plan(nodes, doc, [], observed);
  const { backend, store } = recordingStore(doc);
  const result = await applyPlan({ plan: planned, state: store, ctx: {}, observed, concurrency });
  return { planned, result, backend, doc: store.document };
}

/** State and cloud agree: every recorded id exists, every object is recorded, every dependency is recorded. */
function expectConsistent(cloud: MemoryCloud, doc: StateDocument) {
  const recorded = Object.values(doc.resources).flatMap((r) => [r.id, ...(r.deposed ?? []).map((d) => d.id)]);
  expect(recorded.sort()).toEqual([...cloud.objects.keys()].sort());
  for (const [address, entry] of Object.entries(doc.resources)) {
    for (const dep of entry.dependsOn) expect(doc.resources[dep], `${address} needs ${dep}`).toBeDefined();
  }
}

describe("apply with failures", () => {
  it("stops only what depends on a failure, finishes independent work, and records exactly what exists", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { failCreate: new Set(["db"]) });
    const nodes = [
      node(kind, "net"),
      node(kind, "db", {}, { dependsOn: [T("net")] }),
      node(kind, "app", {}, { dependsOn: [T("db")] }),
      node(kind, "worker", {}, { dependsOn: [T("app")] }),
      node(kind, "cache", {}, { dependsOn: [T("net")] }),
      node(kind, "cdn"),
    ];
    const { result, doc } = await run(nodes, emptyState("test"));
    expect(result.failed.map((f) => f.address)).toEqual([T("db")]);
    expect(result.skipped.sort()).toEqual([T("app"), T("worker")]);
    expect(result.done.sort()).toEqual([T("cache"), T("cdn"), T("net")]);
    expect(Object.keys(doc.resources).sort()).toEqual([T("cache"), T("cdn"), T("net")]);
    expectConsistent(cloud, doc);
    expect(cloud.log).not.toContain("start create app");
  });

  it("resumes after a failure: the next run creates only what is missing", async () => {
    const cloud = new MemoryCloud();
    const failing = new Set(["db"]);
    const kind = thingKind(cloud, { failCreate: failing });
    const nodes = [node(kind, "net"), node(kind, "db", {}, { dependsOn: [T("net")] }), node(kind, "cdn")];
    const first = await run(nodes, emptyState("test"));
    failing.clear();
    cloud.log.length = 0;
    const second = await run(nodes, first.doc);
    expect(second.planned.steps.map((s) => [s.address, s.action])).toEqual([
      [T("net"), "noop"],
      [T("db"), "create"],
      [T("cdn"), "noop"],
    ]);
    expect(cloud.log.filter((l) => l.startsWith("start"))).toEqual(["start create db"]);
    expectConsistent(cloud, second.doc);
  });

  it("keeps a replaced object whose delete failed as deposed, and deletes it on the next run", async () => {
    const cloud = new MemoryCloud();
    const failDelete = new Set(["a"]);
    const kind = thingKind(cloud, { createBeforeDelete: true, failDelete });
    const old = cloud.add({ name: "a", size: 1, zone: "fsn1" });
    const nodes = [node(kind, "a", { zone: "nbg1" })];

    const first = await run(nodes, stateWith({ [T("a")]: { thing: old } }));
    expect(first.result.failed.map((f) => f.address)).toEqual([T("a")]);
    const entry = first.doc.resources[T("a")]!;
    expect(entry.id).not.toBe(old.id);
    expect(entry.deposed?.map((d) => d.id)).toEqual([old.id]);
    expectConsistent(cloud, first.doc);

    failDelete.clear();
    const second = await run(nodes, first.doc);
    expect(second.planned.steps.map((s) => [s.address, s.action, s.reason])).toEqual([
      [T("a"), "noop", undefined],
      [`${T("a")} (deposed ${old.id})`, "delete", "replaced earlier; the old object was not deleted yet"],
    ]);
    expect(second.result.failed).toEqual([]);
    expect(cloud.objects.has(old.id)).toBe(false);
    expect(second.doc.resources[T("a")]?.deposed).toBeUndefined();
    expectConsistent(cloud, second.doc);
  });

  it("deletes a deposed object before the resource itself when both go", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const current = cloud.add({ name: "a", size: 1 });
    const leftover = cloud.add({ name: "a-old", size: 1 });
    const doc = stateWith({ [T("a")]: { thing: current } });
    doc.resources[T("a")]!.deposed = [{ id: leftover.id, outputs: leftover }];
    const observed = new Map<string, unknown>();
    const planned = await plan([], doc, [kind], observed);
    expect(planned.steps.map((s) => s.address)).toEqual([`${T("a")} (deposed ${leftover.id})`, T("a")]);
    const { store } = recordingStore(doc);
    await applyPlan({ plan: planned, state: store, ctx: {}, observed, concurrency: 4 });
    expect(cloud.log.filter((l) => l.startsWith("end"))).toEqual(["end delete a-old", "end delete a"]);
    expect(store.document.resources).toEqual({});
  });
});
