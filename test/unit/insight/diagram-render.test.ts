/**
 * The two renderers on a small diagram, as text: ids made safe (a node named "end" is a Mermaid
 * keyword), labels escaped, groups nested, an arrow to a whole group; and the builder's own checks.
 */
import { describe, expect, it } from "vitest";
import { toDot } from "../../../src/insight/diagram/dot.ts";
import { DiagramBuilder } from "../../../src/insight/diagram/graph.ts";
import { toMermaid } from "../../../src/insight/diagram/mermaid.ts";
import { mermaidParse } from "./support.ts";

function sample() {
  const d = new DiagramBuilder('say "hi"', "LR");
  d.group("outer", "Outer <box>");
  d.group("inner", "Inner #1", "outer");
  d.group("empty", "never drawn");
  d.node("end", ['label "quoted"', "<b>not html</b>"], { group: "inner", shape: "database" });
  d.node("a.b", ["plain"], { shape: "hexagon" });
  d.edge("a.b", "end", { label: "x > y", dashed: true });
  d.edgeToGroup("a.b", "outer", { label: "all" });
  return d.build();
}

describe("toMermaid", () => {
  it("writes safe ids, escaped labels, nested groups and a group arrow", async () => {
    const text = toMermaid(sample());
    expect(text).toBe(
      [
        "---",
        'title: "say #quot;hi#quot;"',
        "---",
        "flowchart LR",
        '  subgraph g_outer["Outer #lt;box#gt;"]',
        '    subgraph g_inner["Inner #35;1"]',
        '      n_end[("label #quot;quoted#quot;<br/>#lt;b#gt;not html#lt;/b#gt;")]',
        "    end",
        "  end",
        '  n_a_2eb{{"plain"}}',
        '  n_a_2eb -.->|"x #gt; y"| n_end',
        '  n_a_2eb -->|"all"| g_outer',
        "",
      ].join("\n"),
    );
    await expect(mermaidParse(text)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });
});

describe("toDot", () => {
  it("writes clusters and points a group arrow at a node inside, clipped at the cluster", () => {
    const dot = toDot(sample());
    expect(dot).toContain('subgraph "cluster_g_outer" {');
    expect(dot).toContain('    subgraph "cluster_g_inner" {');
    expect(dot).toContain('"n_end" [label="label \\"quoted\\"\\n<b>not html</b>", shape=cylinder];');
    expect(dot).toContain('"n_a_2eb" -> "n_end" [label="all", lhead="cluster_g_outer"];');
    expect(dot).not.toContain("never drawn");
  });
});

describe("DiagramBuilder", () => {
  it("refuses a dangling edge and a node added twice", () => {
    const d = new DiagramBuilder("t", "TB");
    d.node("a", ["a"]);
    expect(() => d.node("a", ["again"])).toThrow("diagram node a added twice");
    d.edge("a", "missing");
    expect(() => d.build()).toThrow("diagram edge n_a → n_missing is dangling");
  });
});
