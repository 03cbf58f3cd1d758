/**
 * Graphviz DOT for a diagram: groups become clusters (Graphviz draws a box only around subgraphs whose
 * name starts with "cluster"), shapes map to the closest Graphviz shape. Every id and label is a quoted
 * DOT string, so names need no other care.
 */
import type { Diagram, DiagramGroup, DiagramNode, Shape } from "./graph.ts";

function escapeDot(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function quote(text: string): string {
  return `"${escapeDot(text)}"`;
}

const SHAPES: Record<Shape, string> = {
  box: "shape=box",
  database: "shape=cylinder",
  rounded: 'shape=box, style="rounded"',
  stadium: 'shape=box, style="rounded,filled", fillcolor="#eef3fb"',
  hexagon: "shape=hexagon",
};

function nodeLine(node: DiagramNode, indent: string): string {
  return `${indent}${quote(node.id)} [label="${node.lines.map(escapeDot).join("\\n")}", ${SHAPES[node.shape]}];`;
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

/** A node inside the group (or its subgroups): Graphviz draws an arrow to a cluster as one to a node, clipped at the box. */
function representative(diagram: Diagram, group: string): string | undefined {
  const own = diagram.nodes.find((n) => n.group === group);
  if (own) return own.id;
  for (const child of diagram.groups.filter((g) => g.parent === group)) {
    const found = representative(diagram, child.id);
    if (found) return found;
  }
  return undefined;
}

export function toDot(diagram: Diagram): string {
  const lines = [
    `digraph ${quote(diagram.title)} {`,
    `  label=${quote(diagram.title)}; labelloc=t; rankdir=${diagram.direction}; compound=true;`,
    '  fontname="Helvetica"; node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10];',
    ...diagram.groups.filter((g) => g.parent === undefined).flatMap((g) => cluster(diagram, g, 1)),
    ...diagram.nodes.filter((n) => n.group === undefined).map((n) => nodeLine(n, "  ")),
    ...diagram.edges.map((e) => {
      const to = e.toGroup ? representative(diagram, e.to)! : e.to;
      const attributes = [
        ...(e.label ? [`label=${quote(e.label)}`] : []),
        ...(e.dashed ? ["style=dashed"] : []),
        ...(e.toGroup ? [`lhead=${quote(`cluster_${e.to}`)}`] : []),
      ];
      return `  ${quote(e.from)} -> ${quote(to)}${attributes.length ? ` [${attributes.join(", ")}]` : ""};`;
    }),
    "}",
  ];
  return `${lines.join("\n")}\n`;
}
