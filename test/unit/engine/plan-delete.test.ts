// Planning deletes of what the stack no longer wants: dependents first, hosted ones go with their server.
import { describe, expect, it } from "vitest";
import { applyPlan } from "../../../src/engine/apply.ts";
import { hasWork, ReadError } from "../../../src/engine/plan.ts";
import { MemoryCloud, node, plan, recordingStore, stateWith, summary, thingKind } from "./memory-cloud.ts";

describe("planChanges for resources the stack no longer wants", () => {
  it("deletes them dependents first, after every wanted step", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const [net, srv, app, keep] = ["net", "srv", "app", "keep"].map((name) => cloud.add({ name, size: 1 }));
    const state = stateWith({
      "memory.thing.net": { thing: net! },
      "memory.thing.srv": { thing: srv!, dependsOn: ["memory.thing.net"] },
      "memory.thing.app": { thing: app!, dependsOn: ["memory.thing.srv", "memory.thing.gone-earlier"] },
      "memory.thing.keep": { thing: keep! },
    });
    const { steps } = await plan([node(kind, "keep")], state);
    expect(summary(steps)).toEqual([
      ["memory.thing.keep", "noop", "", false],
      ["memory.thing.app", "delete", "", false],
      ["memory.thing.srv", "delete", "", false],
      ["memory.thing.net", "delete", "", false],
    ]);
    expect(steps[1]).toMatchObject({ want: null, have: app, changes: [] });
  });

  it("marks resources on a deleted server as going with it, without reading them", async () => {
    const cloud = new MemoryCloud();
    const kind = thingKind(cloud);
    const host = cloud.add({ name: "h", size: 1 });
    const onHost = { id: "on-host", name: "app", size: 1 };
    const state = stateWith({
      "memory.thing.h": { thing: host },
      "memory.thing.app": { thing: onHost, dependsOn: ["memory.thing.h"], hostedOn: "memory.thing.h" },
    });
    const { steps } = await plan([], state, [kind]);
    expect(summary(steps)).toEqual([
      ["memory.thing.app", "delete", "", true],
      ["memory.thing.h", "delete", "", false],
    ]);
    expect(steps[0]?.have).toEqual(onHost);
    expect(cloud.log).toEqual([`read ${host.id}`]);
  });

  it("plans no step for an unwanted resource that is already gone, only to forget it", async () => {
    const kind = thingKind(new MemoryCloud());
    const state = stateWith({ "memory.thing.old": { thing: { id: "id-9", name: "old", size: 1 } } });
    const planned = await plan([], state, [kind]);
    expect(planned.steps).toEqual([]);
    expect(planned.forget).toEqual(["memory.thing.old"]);
    expect(hasWork(planned)).toBe(true);
    const { backend, store } = recordingStore(state);
    await applyPlan({ plan: planned, state: store, ctx: {}, observed: new Map(), concurrency: 2 });
    expect(backend.written.at(-1)?.resources).toEqual({});
  });

  it("refuses a kind in state it does not know", async () => {
    const state = stateWith({
      "cloud.thing.old": { thing: { id: "1", name: "old", size: 1 }, kind: "cloud.thing" },
    });
    const act = plan([], state);
    await expect(act).rejects.toThrow(ReadError);
    await expect(plan([], state)).rejects.toThrow(
      "reading cloud.thing.old: unknown resource kind cloud.thing in state",
    );
  });
});
