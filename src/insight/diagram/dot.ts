/**
 * Graphviz DOT for a diagram: groups become clusters (Graphviz draws a box only around subgraphs whose
 * name starts with "cluster"), shapes map to the closest Graphviz shape. Every id and label is a quoted
 * DOT string, so names need no other care.
 */
import type { Diagram, DiagramGroup, DiagramNode, Shape } from "./graph.ts";

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

const SHAPES: Record<Shape, string> = {
  box: "shape=box",
  database: "shape=cylinder",
  rounded: 'shape=box, style="rounded"',
  stadium: 'shape=box, style="rounded,filled", fillcolor="#eef3fb"',
  hexagon: "shape=hexagon",
};

function nodeLine(node: DiagramNode, indent: string): string {
  return `${indent}${quote(node.id)} [label=${quote(node.lines.join("\n"))}, ${SHAPES[node.shape]}];`;
}

function cluster(diagram: Diagram, group: DiagramGroup, depth: number): string[] {
  const indent = "  ".repeat(depth);
  return [
    `${indent}subgraph ${quote(`cluster_${group.id}`)} {`,
    `${indent}  label=${quote(group.label)};`,
    ...diagram.groups.filter((g) => g.parent === group.id).flatMap((g) => cluster(diagram, g, depth + 1)),
    ...diagram.nodes.filter((n) => n.group === group.id).map((n) => nodeLine(n, `${indent}  `)),
    `${indent}}`,
  ];
}

export function toDot(diagram: Diagram): string {
  const lines = [
    `digraph ${quote(diagram.title)} {`,
    `  label=${quote(diagram.title)}; labelloc=t; rankdir=${diagram.direction}; compound=true;`,
    '  fontname="Helvetica"; node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10];',
    ...diagram.groups.filter((g) => g.parent === undefined).flatMap((g) => cluster(diagram, g, 1)),
    ...diagram.nodes.filter((n) => n.group === undefined).map((n) => nodeLine(n, "  ")),
    ...diagram.edges.map((e) => {
      const attributes = [
        ...(e.label ? [`label=${quote(e.label)}`] : []),
        ...(e.dashed ? ["style=dashed"] : []),
      ];
      return `  ${quote(e.from)} -> ${quote(e.to)}${attributes.length ? ` [${attributes.join(", ")}]` : ""};`;
    }),
    "}",
  ];
  return `${lines.join("\n")}\n`;
}
