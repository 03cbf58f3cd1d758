// Applying a plan: dependency order, the concurrency bound, failures, checkpoints, replace and delete.
import { describe, expect, it } from "vitest";
import { type ApplyEvent, applyPlan } from "../../../src/engine/apply.ts";
import { type Plan, planChanges } from "../../../src/engine/plan.ts";
import type { AnyKind, ResourceNode } from "../../../src/engine/resource.ts";
import { emptyState, type StateDocument, type StateStore } from "../../../src/engine/state.ts";
import { MemoryCloud, node, recordingStore, stateWith, thingKind } from "./memory-cloud.ts";

async function planAndApply(
  nodes: ResourceNode[],
  options: { doc?: StateDocument; concurrency?: number; kinds?: AnyKind[] } = {},
) {
  const doc = options.doc ?? emptyState("test");
  const observed = new Map<string, unknown>();
  const kinds = new Map((options.kinds ?? []).map((k) => [k.kind, k]));
  for (const n of nodes) kinds.set(n.kind.kind, n.kind);
  const plan = await planChanges({ nodes, state: doc, ctx: {}, observed, kinds });
  const { backend, store } = recordingStore(doc);
  const events: ApplyEvent[] = [];
  const result = await apply(plan, store, options.concurrency ?? 4, observed, events);
  return { plan, result, backend, store, observed, events };
}

function apply(
  plan: Plan,
  state: StateStore,
  concurrency: number,
  observed = new Map(),
  events: ApplyEvent[] = [],
) {
  return applyPlan({ plan, state, ctx: {}, observed, concurrency, onEvent: (e) => events.push(e) });
}

const ids = (doc: StateDocument | undefined) =>
  Object.fromEntries(Object.entries(doc?.resources ?? {}).map(([a, r]) => [a, r.id]));

describe("applyPlan ordering and concurrency", () => {
  it("starts a step only after everything it depends on is done", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const { result } = await planAndApply([
      node(kind, "app", {}, { dependsOn: ["memory.thing.db", "memory.thing.net"] }),
      node(kind, "db", {}, { dependsOn: ["memory.thing.net"] }),
      node(kind, "net"),
    ]);
    expect(cloud.log).toEqual([
      "start create net",
      "end create net",
      "start create db",
      "end create db",
      "start create app",
      "end create app",
    ]);
    expect(result).toEqual({
      done: ["memory.thing.net", "memory.thing.db", "memory.thing.app"],
      failed: [],
      skipped: [],
    });
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [10, 6],
  ])("with concurrency %i runs at most %i of six independent steps at once", async (concurrency, most) => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const names = ["a", "b", "c", "d", "e", "f"];
    const { result } = await planAndApply(
      names.map((name) => node(kind, name)),
      { concurrency },
    );
    expect(cloud.maxInFlight).toBe(most);
    expect(result.done.sort()).toEqual(names.map((n) => `memory.thing.${n}`));
  });

  it("adds what it creates to `observed` for dependents to use", async () => {
    const cloud = new MemoryCloud();
    const { observed } = await planAndApply([node(thingKind(cloud), "a", { size: 7 })]);
    expect(observed.get("memory.thing.a")).toEqual({ id: "id-1", name: "a", size: 7 });
  });
});

describe("applyPlan failures", () => {
  it("skips what depends on a failed step, transitively, and finishes independent steps", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { failCreate: new Set(["db"]) });
    const { result, events } = await planAndApply(
      [
        node(kind, "db"),
        node(kind, "app", {}, { dependsOn: ["memory.thing.db"] }),
        node(kind, "worker", {}, { dependsOn: ["memory.thing.app"] }),
        node(kind, "cdn"),
      ],
      { concurrency: 1 },
    );
    expect(result.done).toEqual(["memory.thing.cdn"]);
    expect(result.skipped).toEqual(["memory.thing.app", "memory.thing.worker"]);
    expect(result.failed.map((f) => [f.address, (f.error as Error).message])).toEqual([
      ["memory.thing.db", "no capacity for db"],
    ]);
    const skips = events.flatMap((e) => (e.type === "skip" ? [[e.step.address, e.because]] : []));
    expect(skips).toEqual([
      ["memory.thing.app", "memory.thing.db"],
      ["memory.thing.worker", "memory.thing.db"],
    ]);
    expect([...cloud.objects.values()].map((o) => o.name)).toEqual(["cdn"]);
  });

  it("turns a thrown non-Error into an Error with its text", async () => {
    const kind: AnyKind = {
      ...thingKind(new MemoryCloud()),
      create: async () => {
        throw "quota exceeded";
      },
    };
    const { result } = await planAndApply([node(kind, "a")]);
    const [failure] = result.failed;
    expect(failure?.error).toBeInstanceOf(Error);
    expect(failure?.error).toMatchObject({ message: "quota exceeded" });
  });
});

describe("applyPlan checkpoints", () => {
  it("writes state after every completed operation, with a strictly increasing serial", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const { backend } = await planAndApply(
      [node(kind, "a"), node(kind, "b", {}, { dependsOn: ["memory.thing.a"] }), node(kind, "c")],
      { concurrency: 1 },
    );
    expect(backend.written.map((d) => d.serial)).toEqual([1, 2, 3]);
    // One more resource per write; c (independent) may be recorded before b, never b before a.
    expect(backend.written.map((d) => Object.keys(d.resources).length)).toEqual([1, 2, 3]);
    expect(Object.keys(backend.written[0]!.resources)).toEqual(["memory.thing.a"]);
    const withB = backend.written.find((d) => d.resources["memory.thing.b"])!;
    expect(withB.resources["memory.thing.a"]).toBeDefined();
    const b = withB.resources["memory.thing.b"]!;
    expect(b).toEqual({
      kind: "memory.thing",
      id: b.id,
      outputs: { id: b.id, name: "b", size: 1 },
      dependsOn: ["memory.thing.a"],
      hostedOn: undefined,
    });
  });

  it("writes nothing for a noop whose id state already has", async () => {
    const cloud = new MemoryCloud();
    const have = cloud.add({ name: "a", size: 1 });
    const { backend, result } = await planAndApply([node(thingKind(cloud), "a")], {
      doc: stateWith({ "memory.thing.a": { thing: have } }),
    });
    expect(result.done).toEqual(["memory.thing.a"]);
    expect(backend.written).toEqual([]);
  });

  it("records the id of an adopted object on a noop", async () => {
    const cloud = new MemoryCloud();
    const found = cloud.add({ name: "a", size: 1 });
    const { backend, events } = await planAndApply([node(thingKind(cloud, { findByName: true }), "a")]);
    expect(backend.written.map(ids)).toEqual([{ "memory.thing.a": found.id }]);
    expect(events).toEqual([]);
    expect(cloud.log).toEqual(["find a"]);
  });

  it("updates in place and records the result", async () => {
    const cloud = new MemoryCloud();
    const have = cloud.add({ name: "a", size: 1 });
    const { backend } = await planAndApply([node(thingKind(cloud), "a", { size: 4 })], {
      doc: stateWith({ "memory.thing.a": { thing: have } }),
    });
    expect(cloud.log.filter((l) => l.startsWith("start"))).toEqual(["start update a"]);
    expect(backend.written.at(-1)?.resources["memory.thing.a"]?.outputs).toMatchObject({
      id: have.id,
      size: 4,
    });
  });
});

describe("applyPlan replace", () => {
  function replaceSetup(createBeforeDelete: boolean) {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { createBeforeDelete });
    const old = cloud.add({ name: "a", size: 1, zone: "fsn1" });
    const doc = stateWith({ "memory.thing.a": { thing: old } });
    doc.generated["memory.thing.a"] = { hostKeyPublic: "ssh-ed25519 AAAA" };
    return { cloud, nodes: [node(kind, "a", { zone: "nbg1" })], doc, old };
  }

  it("deletes first, forgets, then creates, keeping generated values", async () => {
    const { cloud, nodes, doc, old } = replaceSetup(false);
    const { backend, plan } = await planAndApply(nodes, { doc });
    expect(plan.steps[0]?.action).toBe("replace");
    expect(cloud.log.filter((l) => !l.startsWith("read"))).toEqual([
      "start delete a",
      "end delete a",
      "start create a",
      "end create a",
    ]);
    expect(backend.written.map(ids)).toEqual([{}, { "memory.thing.a": "id-2" }]);
    expect(backend.written.map((d) => d.generated)).toEqual([
      { "memory.thing.a": { hostKeyPublic: "ssh-ed25519 AAAA" } },
      { "memory.thing.a": { hostKeyPublic: "ssh-ed25519 AAAA" } },
    ]);
    expect(cloud.objects.has(old.id)).toBe(false);
  });

  it("with createBeforeDelete creates and records the new one before deleting the old", async () => {
    const { cloud, nodes, doc } = replaceSetup(true);
    const { backend } = await planAndApply(nodes, { doc });
    expect(cloud.log.filter((l) => !l.startsWith("read"))).toEqual([
      "start create a",
      "end create a",
      "start delete a",
      "end delete a",
    ]);
    // The new object is recorded with the old one as deposed, then the old one is forgotten once deleted.
    expect(backend.written.map(ids)).toEqual([{ "memory.thing.a": "id-2" }, { "memory.thing.a": "id-2" }]);
    expect(backend.written.map((d) => d.resources["memory.thing.a"]?.deposed?.map((o) => o.id))).toEqual([
      ["id-1"],
      undefined,
    ]);
    expect([...cloud.objects.values()]).toEqual([{ id: "id-2", name: "a", size: 1, zone: "nbg1" }]);
  });
});

describe("applyPlan with deletes", () => {
  it("runs creates and updates before any delete", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const old = cloud.add({ name: "old", size: 1 });
    await planAndApply([node(kind, "new")], { doc: stateWith({ "memory.thing.old": { thing: old } }) });
    expect(cloud.log.filter((l) => l.startsWith("start"))).toEqual(["start create new", "start delete old"]);
  });
});
