// StateStore: changes go through the backend in order, each write with the next serial; a change resolves once written.
import { describe, expect, it } from "vitest";
import { emptyState, StateDocument, type StateResource, StateStore } from "../../../src/engine/state.ts";
import { recordingStore } from "./memory-cloud.ts";

const entry = (id: string): StateResource => ({ kind: "memory.thing", id, outputs: { id }, dependsOn: [] });

describe("emptyState", () => {
  it("starts at serial 0 with a fresh lineage and validates as a state document", () => {
    const a = emptyState("shop");
    expect(a).toMatchObject({ version: 1, stack: "shop", serial: 0, resources: {}, generated: {} });
    expect(a.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(emptyState("shop").lineage).not.toBe(a.lineage);
    expect(StateDocument.parse(a)).toEqual(a);
  });
});

describe("StateStore", () => {
  it("writes each change with the next serial and keeps the lineage", async () => {
    const doc = { ...emptyState("shop"), serial: 41 };
    const { backend, store } = recordingStore(doc);
    await store.set("a", entry("1"));
    await store.setGenerated("a", { hostKeyPublic: "k" });
    await store.remove("a");
    expect(backend.written.map((d) => d.serial)).toEqual([42, 43, 44]);
    expect(new Set(backend.written.map((d) => d.lineage))).toEqual(new Set([doc.lineage]));
    expect(store.document.serial).toBe(44);
  });

  it("writes changes made while no write has started together, none lost", async () => {
    const { backend, store } = recordingStore();
    await Promise.all([store.set("a", entry("1")), store.set("b", entry("2")), store.set("c", entry("3"))]);
    expect(backend.written.map((d) => [d.serial, Object.keys(d.resources)])).toEqual([[1, ["a", "b", "c"]]]);
  });

  it("resolves each change only once a write that carries it has finished", async () => {
    const written: string[][] = [];
    const gates: (() => void)[] = [];
    const store = new StateStore(emptyState("shop"), {
      location: "slow",
      read: async () => null,
      write: (doc) =>
        new Promise<void>((resolve) =>
          gates.push(() => {
            written.push(Object.keys(doc.resources));
            resolve();
          }),
        ),
    });
    const settled: string[] = [];
    const a = store.set("a", entry("1")).then(() => settled.push("a"));
    await new Promise((resolve) => setImmediate(resolve)); // the write of "a" is now in flight
    const b = store.set("b", entry("2")).then(() => settled.push("b"));
    const c = store.set("c", entry("3")).then(() => settled.push("c"));
    gates.shift()!();
    await a;
    expect(settled).toEqual(["a"]); // b and c wait for the next write
    await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
    await Promise.all([b, c]);
    expect(written).toEqual([["a"], ["a", "b", "c"]]);
    expect(store.document.serial).toBe(2);
  });

  it("keeps generated values on a plain remove and drops them on a final one", async () => {
    const { store } = recordingStore();
    await store.set("a", entry("1"));
    await store.setGenerated("a", { hostKeyPublic: "k" });
    await store.remove("a");
    expect(store.resource("a")).toBeUndefined();
    expect(store.generated("a")).toEqual({ hostKeyPublic: "k" });
    await store.remove("a", { generated: true });
    expect(store.generated("a")).toBeUndefined();
  });

  it("never changes a document it has already written", async () => {
    const { backend, store } = recordingStore();
    await store.set("a", entry("1"));
    const first = store.document;
    await store.set("b", entry("2"));
    expect(Object.keys(first.resources)).toEqual(["a"]);
    expect(backend.written[0]?.resources).toEqual({ a: entry("1") });
  });

  it("keeps writing after one failed write, and the next document carries the change that failed", async () => {
    const written: StateDocument[] = [];
    let failures = 1;
    const store = new StateStore(emptyState("shop"), {
      location: "flaky",
      read: async () => null,
      write: async (doc) => {
        if (failures-- > 0) throw new Error("disk full");
        written.push(structuredClone(doc));
      },
    });
    await expect(store.set("a", entry("1"))).rejects.toThrow("disk full");
    await store.set("b", entry("2"));
    expect(written.map((d) => [d.serial, Object.keys(d.resources)])).toEqual([[2, ["a", "b"]]]);
  });

  it("reports where the state lives", () => {
    expect(recordingStore().store.location).toBe("memory");
  });
});
