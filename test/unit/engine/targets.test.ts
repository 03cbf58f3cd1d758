// plan --target: the named resources and what they depend on, orphans only when named, unknown addresses explained.
import { describe, expect, it } from "vitest";
import { planJson } from "../../../src/cli/render-plan.ts";
import { targetsFrom } from "../../../src/cli/targets.ts";
import { pendingSteps, selectTargets } from "../../../src/engine/plan.ts";
import { UsageError } from "../../../src/errors.ts";
import { MemoryCloud, node, plan, stateWith, summary, thingKind } from "./memory-cloud.ts";

const cloud = new MemoryCloud();
const kind = thingKind(cloud);
const T = (name: string) => `memory.thing.${name}`;
const nodes = [
  node(kind, "net"),
  node(kind, "db", {}, { dependsOn: [T("net")] }),
  node(kind, "web", {}, { dependsOn: [T("db")] }),
  node(kind, "cache", {}, { dependsOn: [T("net")] }),
  node(kind, "engine", {}, { hostedOn: T("web") }),
];

describe("plan with targets", () => {
  it("plans a target and, transitively, everything it depends on, nothing else", async () => {
    const result = await plan(nodes, stateWith({}), [], new Map(), [T("web")]);
    expect(summary(result.steps).map(([a, action]) => [a, action])).toEqual([
      [T("net"), "create"],
      [T("db"), "create"],
      [T("web"), "create"],
    ]);
  });

  it("includes the server a targeted hosted resource lives on", () => {
    expect([...selectTargets(nodes, stateWith({}), [T("engine")]).nodes].sort()).toEqual(
      [T("db"), T("engine"), T("net"), T("web")].sort(),
    );
  });

  it("takes the union of several targets", async () => {
    const result = await plan(nodes, stateWith({}), [], new Map(), [T("cache"), T("db")]);
    expect(result.steps.map((s) => s.address)).toEqual([T("net"), T("db"), T("cache")]);
  });

  it("deletes an orphan only when it is named, with the orphans that depend on it, dependents first", async () => {
    const old = cloud.add({ name: "old", size: 1 });
    const child = cloud.add({ name: "child", size: 1 });
    const other = cloud.add({ name: "other", size: 1 });
    const state = stateWith({
      [T("old")]: { thing: old },
      [T("child")]: { thing: child, dependsOn: [T("old")] },
      [T("other")]: { thing: other },
    });
    const targeted = await plan(nodes, state, [kind], new Map(), [T("old")]);
    expect(pendingSteps(targeted).map((s) => [s.address, s.action])).toEqual([
      [T("child"), "delete"],
      [T("old"), "delete"],
    ]);
    const untargeted = await plan(nodes, state, [kind], new Map(), [T("net")]);
    expect(untargeted.steps.map((s) => s.address)).toEqual([T("net")]);
  });

  it("rejects an unknown address, suggesting the nearest one", async () => {
    const error = await plan(nodes, stateWith({}), [], new Map(), [T("cach"), "nothing.like.it"]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      [
        `--target: no resource "${T("cach")}" in the stack or its state; did you mean "${T("cache")}"?`,
        '--target: no resource "nothing.like.it" in the stack or its state',
      ].join("\n"),
    );
    expect((error as UsageError).exitCode).toBe(2);
  });

  it("keeps the JSON format: resource_changes lists only what the targets bring in", async () => {
    const result = await plan(nodes, stateWith({}), [], new Map(), [T("db")]);
    const doc = planJson(result);
    expect(doc.format_version).toBe(1);
    expect(doc.summary).toEqual({ add: 2, change: 0, destroy: 0 });
    expect(doc.resource_changes.map((c) => c.address)).toEqual([T("net"), T("db")]);
  });
});

describe("targetsFrom", () => {
  it.each([
    [["--target", "a.b.c"], ["a.b.c"]],
    [
      ["--target=a.b.c", "--yes", "--target", "d.e.f"],
      ["a.b.c", "d.e.f"],
    ],
    [["--json", "--", "--target", "x"], []],
  ])("reads %j as %j", (argv, expected) => {
    expect(targetsFrom(argv)).toEqual(expected);
  });

  it("rejects an empty target", () => {
    expect(() => targetsFrom(["--target="])).toThrow("--target needs a resource address");
  });
});
