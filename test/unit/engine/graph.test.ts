// The resource DAG: topological order (stable among ready nodes), dangling references, cycles, dependents.
import { describe, expect, it } from "vitest";
import { GraphError, topologicalOrder } from "../../../src/engine/graph.ts";

const n = (address: string, dependsOn: string[] = []) => ({ address, dependsOn });
const addresses = (nodes: { address: string }[]) => nodes.map((x) => x.address);

describe("topologicalOrder", () => {
  it.each([
    ["no nodes", [], []],
    ["independent nodes in the given order", [n("c"), n("a"), n("b")], ["c", "a", "b"]],
    ["a chain given backwards", [n("c", ["b"]), n("b", ["a"]), n("a")], ["a", "b", "c"]],
    [
      "a node that becomes ready ahead of later ready ones, by its given position",
      [n("x", ["a"]), n("a"), n("y"), n("z")],
      ["a", "x", "y", "z"],
    ],
    [
      "a diamond",
      [n("top", ["left", "right"]), n("right", ["base"]), n("left", ["base"]), n("base")],
      ["base", "right", "left", "top"],
    ],
    ["a dependency named twice", [n("b", ["a", "a"]), n("a")], ["a", "b"]],
  ])("orders %s", (_, nodes, expected) => {
    expect(addresses(topologicalOrder(nodes))).toEqual(expected);
  });

  it("returns the same order on every call", () => {
    const nodes = [n("d", ["a"]), n("c"), n("b", ["c"]), n("a")];
    const first = addresses(topologicalOrder(nodes));
    for (let i = 0; i < 5; i++) expect(addresses(topologicalOrder(nodes))).toEqual(first);
  });

  it("returns the nodes themselves, not copies", () => {
    const a = n("a");
    expect(topologicalOrder([a])[0]).toBe(a);
  });

  it("names the node and the dependency the stack does not define", () => {
    const act = () => topologicalOrder([n("service.release.web", ["host.docker.web-1"])]);
    expect(act).toThrow(GraphError);
    expect(act).toThrow("service.release.web depends on host.docker.web-1, which the stack does not define");
  });

  it.each([
    ["two nodes that need each other", [n("a", ["b"]), n("b", ["a"]), n("free")], "a, b"],
    ["a node that needs itself", [n("free"), n("self", ["self"])], "self"],
    ["a three-node loop", [n("x", ["z"]), n("y", ["x"]), n("z", ["y"])], "x, y, z"],
  ])("reports a cycle between %s by address", (_, nodes, named) => {
    const act = () => topologicalOrder(nodes);
    expect(act).toThrow(GraphError);
    expect(act).toThrow(`dependency cycle among: ${named}`);
  });
});
