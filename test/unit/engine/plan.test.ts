// Planning from reality: create/noop/update/replace, adoption, drift, hosted resources and failed reads.
import { describe, expect, it } from "vitest";
import { pendingSteps, ReadError } from "../../../src/engine/plan.ts";
import type { AnyKind } from "../../../src/engine/resource.ts";
import { emptyState } from "../../../src/engine/state.ts";
import { UserError } from "../../../src/errors.ts";
import { MemoryCloud, node, plan, stateWith, summary, thingKind } from "./memory-cloud.ts";

describe("planChanges for wanted resources", () => {
  it("creates what neither state nor the cloud knows", async () => {
    const kind = thingKind(new MemoryCloud(), { findByName: true });
    const { steps } = await plan([node(kind, "a")], emptyState("test"));
    expect(summary(steps)).toEqual([["memory.thing.a", "create", "", false]]);
    expect(steps[0]).toMatchObject({ have: null, want: { name: "a", size: 1 }, changes: [] });
  });

  it.each([
    ["in sync", { size: 1 }, "noop", []],
    ["a field that changes in place", { size: 2 }, "update", [{ path: "size", from: 1, to: 2 }]],
    [
      "a field that forces replacement",
      { size: 2, zone: "nbg1" },
      "replace",
      [
        { path: "size", from: 1, to: 2, forcesReplace: false },
        { path: "zone", from: "fsn1", to: "nbg1", forcesReplace: true },
      ],
    ],
  ] as const)("compares a known object %s", async (_, input, action, changes) => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const have = cloud.add({ name: "a", size: 1, zone: "fsn1" });
    const state = stateWith({ "memory.thing.a": { thing: have } });
    const { steps } = await plan([node(kind, "a", { zone: "fsn1", ...input })], state);
    expect(steps[0]?.action).toBe(action);
    expect(steps[0]?.changes).toMatchObject(changes);
    expect(steps[0]?.have).toEqual(have);
    expect(steps[0]?.reason).toBeUndefined();
  });

  it("adopts an object found by name when state has no id for it", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { findByName: true });
    const found = cloud.add({ name: "a", size: 1 });
    const { steps } = await plan([node(kind, "a"), node(kind, "b", { size: 3 })], emptyState("test"));
    cloud.add({ name: "b", size: 2 });
    expect(summary(steps)).toEqual([
      ["memory.thing.a", "noop", "found by name and adopted", false],
      ["memory.thing.b", "create", "", false],
    ]);
    expect(steps[0]?.have).toEqual(found);
  });

  it("adopts and updates an object found by name that differs", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { findByName: true });
    cloud.add({ name: "a", size: 1 });
    const { steps } = await plan([node(kind, "a", { size: 5 })], emptyState("test"));
    expect(summary(steps)).toEqual([["memory.thing.a", "update", "found by name and adopted", false]]);
  });

  it("recreates an object deleted outside slipway", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { findByName: true });
    const gone = { id: "id-99", name: "a", size: 1 };
    const { steps } = await plan([node(kind, "a")], stateWith({ "memory.thing.a": { thing: gone } }));
    expect(summary(steps)).toEqual([["memory.thing.a", "create", "deleted outside slipway", false]]);
    expect(cloud.log).toEqual(["read id-99", "find a"]);
  });

  it("falls back to the name when the id in state is stale, without calling it adopted", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud, { findByName: true });
    const current = cloud.add({ name: "a", size: 1 });
    const stale = { id: "id-99", name: "a", size: 1 };
    const { steps } = await plan([node(kind, "a")], stateWith({ "memory.thing.a": { thing: stale } }));
    expect(summary(steps)).toEqual([["memory.thing.a", "noop", "", false]]);
    expect(steps[0]?.have).toEqual(current);
  });

  it("reads a node only after what its read needs, and alongside its other dependencies", async () => {
    const cloud = new MemoryCloud();
    const started: string[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const base = thingKind(cloud);
    const kind: AnyKind = {
      ...base,
      read: async (ctx, id, want) => {
        started.push(want.name);
        if (want.name === "proxy") await slow;
        return base.read(ctx, id, want);
      },
    };
    const ids = Object.fromEntries(["host", "proxy", "app"].map((n) => [n, cloud.add({ name: n, size: 1 })]));
    const state = stateWith(
      Object.fromEntries(Object.entries(ids).map(([n, thing]) => [`memory.thing.${n}`, { thing }])),
    );
    const planning = plan(
      [
        node(kind, "host"),
        node(kind, "proxy", {}, { hostedOn: "memory.thing.host" }),
        node(kind, "app", {}, { dependsOn: ["memory.thing.proxy"], hostedOn: "memory.thing.host" }),
      ],
      state,
      [],
      new Map(),
    );
    await new Promise((r) => setTimeout(r, 20));
    // The app waits for its host, not for the proxy it is applied after.
    expect(started).toEqual(["host", "proxy", "app"]);
    release();
    await planning;
  });

  it("records what it read in `observed`, dependencies before dependents", async () => {
    const cloud = new MemoryCloud();
    const observed = new Map<string, unknown>();
    const seenByB: unknown[] = [];
    const base = thingKind(cloud);
    const kind: AnyKind = {
      ...base,
      read: async (ctx, id, want) => {
        if (want.name === "b") seenByB.push(observed.get("memory.thing.a"));
        return base.read(ctx, id, want);
      },
    };
    const a = cloud.add({ name: "a", size: 1 });
    const b = cloud.add({ name: "b", size: 1 });
    const state = stateWith({ "memory.thing.a": { thing: a }, "memory.thing.b": { thing: b } });
    await plan([node(kind, "b", {}, { hostedOn: "memory.thing.a" }), node(kind, "a")], state, [], observed);
    expect(seenByB).toEqual([a]);
    expect(observed.get("memory.thing.b")).toEqual(b);
  });
});

describe("planChanges for resources on a host", () => {
  function hostSetup(hostInput: { zone?: string; running?: boolean }, hostInState = true) {
    const cloud = new MemoryCloud();
    const hosts = thingKind(cloud, { kind: "memory.host", host: true });
    const apps = thingKind(cloud, { kind: "memory.app" });
    const host = cloud.add({ name: "h", size: 1, zone: "fsn1", running: hostInput.running ?? true });
    const app = cloud.add({ name: "app", size: 1 });
    const state = stateWith({
      ...(hostInState ? { "memory.host.h": { thing: host, kind: "memory.host" } } : {}),
      "memory.app.app": {
        thing: app,
        kind: "memory.app",
        dependsOn: ["memory.host.h"],
        hostedOn: "memory.host.h",
      },
    });
    const nodes = [
      node(hosts, "h", { zone: hostInput.zone ?? "fsn1", running: true }),
      node(apps, "app", {}, { hostedOn: "memory.host.h" }),
    ];
    return { cloud, nodes, state };
  }

  it.each([
    ["its host is created", {}, false, "create", undefined],
    ["its host is replaced", { zone: "nbg1" }, true, "replace", "its server is replaced"],
  ] as const)(
    "plans a hosted resource as a create without reading it when %s",
    async (_, host, inState, hostAction, reason) => {
      const { cloud, nodes, state } = hostSetup(host, inState);
      const { steps } = await plan(nodes, state);
      expect(steps.map((s) => [s.action, s.reason])).toEqual([
        [hostAction, undefined],
        ["create", reason],
      ]);
      expect(cloud.log.filter((l) => l.startsWith("read id-2"))).toEqual([]);
    },
  );

  it("plans a hosted resource as a create when its host cannot host now", async () => {
    const { cloud, nodes, state } = hostSetup({ running: false });
    const { steps } = await plan(nodes, state);
    expect(steps.map((s) => [s.action, s.reason])).toEqual([
      ["update", undefined],
      ["create", "its server is not running; set up once it is"],
    ]);
    expect(cloud.log).toEqual(["read id-1"]);
  });

  it("reads a hosted resource when its host is running and unchanged", async () => {
    const { nodes, state } = hostSetup({});
    const { steps } = await plan(nodes, state);
    expect(pendingSteps({ steps })).toEqual([]);
  });

  it("creates what is hosted on a new server through an intermediate dependency too", async () => {
    const cloud = new MemoryCloud();
    const hosts = thingKind(cloud, { kind: "memory.host", host: true });
    const apps = thingKind(cloud, { kind: "memory.app", findByName: true });
    cloud.add({ name: "proxy", size: 1 });
    const nodes = [
      node(hosts, "h"),
      node(apps, "engine", {}, { hostedOn: "memory.host.h" }),
      { ...node(apps, "proxy", {}, { dependsOn: ["memory.app.engine"] }), hostedOn: "memory.host.h" },
    ];
    const { steps } = await plan(nodes, emptyState("test"));
    expect(steps.map((s) => s.action)).toEqual(["create", "create", "create"]);
    expect(cloud.log).toEqual([]);
  });
});

describe("planChanges when a read fails", () => {
  function failing(error: unknown): AnyKind {
    return {
      ...thingKind(new MemoryCloud()),
      read: async () => {
        throw error;
      },
    };
  }
  const known = stateWith({ "memory.thing.a": { thing: { id: "1", name: "a", size: 1 } } });

  it("keeps a user error a user error, naming the address and keeping the hint", async () => {
    const kind = failing(new UserError("HCLOUD_TOKEN is invalid", { hint: "Create a new token." }));
    const error = await plan([node(kind, "a")], known).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      message: "reading memory.thing.a: HCLOUD_TOKEN is invalid",
      hint: "Create a new token.",
    });
  });

  it("wraps anything else as a ReadError with the address", async () => {
    const error = await plan([node(failing(new Error("socket hang up")), "a")], known).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReadError);
    expect(error).toMatchObject({
      message: "reading memory.thing.a: socket hang up",
      address: "memory.thing.a",
    });
  });
});
