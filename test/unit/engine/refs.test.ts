// Values taken from other resources' outputs: "(known after apply)" in plans, real values at apply.
import { describe, expect, it } from "vitest";
import { applyPlan } from "../../../src/engine/apply.ts";
import { hasUnknown, ref, refAddresses, resolveRefs, UNKNOWN } from "../../../src/engine/refs.ts";
import { change, type ResourceKind, type ResourceNode } from "../../../src/engine/resource.ts";
import { emptyState, type StateDocument } from "../../../src/engine/state.ts";
import { MemoryCloud, node, type ObservedThing, plan, recordingStore, thingKind } from "./memory-cloud.ts";

describe("resolveRefs", () => {
  const outputs = new Map<string, unknown>([["a.one", { ip: "10.0.0.2", id: 7 }]]);
  const lookup = (address: string) => outputs.get(address);

  it("replaces refs anywhere in the input, keeping everything else", () => {
    const input = {
      name: "x",
      targets: [ref("a.one", (o: { id: number }) => o.id), 3],
      nested: { ip: ref("a.one", (o: { ip: string }) => o.ip) },
    };
    expect(resolveRefs(input, lookup)).toEqual({ name: "x", targets: [7, 3], nested: { ip: "10.0.0.2" } });
    expect(refAddresses(input)).toEqual(["a.one"]);
  });

  it("reads UNKNOWN where outputs are missing or hold no value", () => {
    const input = { a: ref("a.two", () => 1), b: ref("a.one", () => undefined) };
    const resolved = resolveRefs(input, lookup);
    expect(resolved).toEqual({ a: UNKNOWN, b: UNKNOWN });
    expect(hasUnknown(resolved)).toBe(true);
    expect(hasUnknown({ a: [1, { b: "x" }] })).toBe(false);
  });

  it("returns an input without refs unchanged, as the same object", () => {
    const input = { a: [1, 2], b: { c: "d" } };
    expect(resolveRefs(input, lookup)).toBe(input);
  });
});

interface Pointer {
  name: string;
  target: unknown;
}
interface ObservedPointer extends Pointer {
  id: string;
}

/** A DNS-record-like kind: points at a value taken from another resource. */
function pointerKind(cloud: MemoryCloud): ResourceKind<Pointer, ObservedPointer> {
  const objects = new Map<string, ObservedPointer>();
  let next = 1;
  return {
    kind: "memory.pointer",
    id: (p) => p.id,
    read: async (_ctx, id) => objects.get(id) ?? null,
    diff: (want, have) => change("target", have.target, want.target),
    create: async (_ctx, want) => {
      if (hasUnknown(want)) throw new Error("create saw an unknown value");
      cloud.log.push(`create pointer → ${String(want.target)}`);
      const made = { ...want, id: `p-${next++}` };
      objects.set(made.id, made);
      return made;
    },
    update: async (_ctx, have, want) => {
      if (hasUnknown(want)) throw new Error("update saw an unknown value");
      cloud.log.push(`update pointer → ${String(want.target)}`);
      const updated = { ...have, target: want.target };
      objects.set(have.id, updated);
      return updated;
    },
    delete: async (_ctx, have) => {
      objects.delete(have.id);
    },
  };
}

describe("planning and applying with refs", () => {
  const setup = () => {
    const cloud = new MemoryCloud();
    const things = thingKind(cloud);
    const pointers = pointerKind(cloud);
    const nodes = (zone: string, size = 1): ResourceNode[] => [
      node(things, "server", { zone, size }),
      {
        address: "memory.pointer.dns",
        kind: pointers,
        name: "dns",
        input: { name: "dns", target: ref("memory.thing.server", (o: ObservedThing) => o.id) },
        dependsOn: ["memory.thing.server"],
      },
    ];
    return { cloud, nodes };
  };

  async function converge(nodes: ResourceNode[], doc: StateDocument) {
    const observed = new Map<string, unknown>();
    const planned = await plan(nodes, doc, [], observed);
    const { backend, store } = recordingStore(doc);
    const result = await applyPlan({ plan: planned, state: store, ctx: {}, observed, concurrency: 4 });
    return { planned, result, doc: backend.written.at(-1) ?? doc };
  }

  it("plans a value from a resource still to be created as (known after apply), and applies the real one", async () => {
    const { cloud, nodes } = setup();
    const { planned, result, doc } = await converge(nodes("fsn1"), emptyState("test"));
    const dns = planned.steps.find((s) => s.address === "memory.pointer.dns")!;
    expect(dns.action).toBe("create");
    expect(dns.want).toEqual({ name: "dns", target: UNKNOWN });
    expect(result.failed).toEqual([]);
    const serverId = doc.resources["memory.thing.server"]!.id;
    expect(cloud.log).toContain(`create pointer → ${serverId}`);

    const again = await plan(nodes("fsn1"), doc);
    expect(again.steps.map((s) => s.action)).toEqual(["noop", "noop"]);
  });

  it("shows the value as unknown when its source is replaced, and updates it to the new one", async () => {
    const { cloud, nodes } = setup();
    const first = await converge(nodes("fsn1"), emptyState("test"));
    const oldId = first.doc.resources["memory.thing.server"]!.id;
    const second = await converge(nodes("nbg1"), first.doc);
    const dns = second.planned.steps.find((s) => s.address === "memory.pointer.dns")!;
    expect(dns.action).toBe("update");
    expect(dns.changes).toEqual([
      { path: "target", from: oldId, to: UNKNOWN, forcesReplace: false, sensitive: undefined },
    ]);
    const newId = second.doc.resources["memory.thing.server"]!.id;
    expect(newId).not.toBe(oldId);
    expect(cloud.log).toContain(`update pointer → ${newId}`);
  });

  it("keeps the known value when its source only changes in place", async () => {
    const { nodes } = setup();
    const first = await converge(nodes("fsn1"), emptyState("test"));
    const planned = await plan(nodes("fsn1", 2), first.doc);
    expect(planned.steps.map((s) => [s.address, s.action])).toEqual([
      ["memory.thing.server", "update"],
      ["memory.pointer.dns", "noop"],
    ]);
  });

  it("refuses a ref to a resource the node does not depend on", async () => {
    const { nodes } = setup();
    const [server, dns] = nodes("fsn1") as [ResourceNode, ResourceNode];
    await expect(plan([server, { ...dns, dependsOn: [] }], emptyState("test"))).rejects.toThrow(
      /memory.pointer.dns takes values from memory.thing.server without depending on it/,
    );
  });
});
