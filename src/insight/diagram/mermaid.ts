/**
 * Mermaid flowchart text for a diagram. Labels are always quoted and the characters Mermaid would read
 * as syntax inside quotes (the quote itself, angle brackets, #) are written as its entity codes, so
 * any server or service name is safe. Output is deterministic: committed diagrams compare byte for byte.
 */
import type { Diagram, DiagramGroup, DiagramNode, Shape } from "./graph.ts";

function escapeLabel(text: string): string {
  return text.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

const SHAPES: Record<Shape, [string, string]> = {
  box: ["[", "]"],
  database: ["[(", ")]"],
  rounded: ["(", ")"],
  stadium: ["([", "])"],
  hexagon: ["{{", "}}"],
};

function nodeLine(node: DiagramNode, indent: string): string {
  const [open, close] = SHAPES[node.shape];
  return `${indent}${node.id}${open}"${node.lines.map(escapeLabel).join("<br/>")}"${close}`;
}

function groupLines(diagram: Diagram, group: DiagramGroup, depth: number): string[] {
  const indent = "  ".repeat(depth);
  return [
    `${indent}subgraph ${group.id}["${escapeLabel(group.label)}"]`,
    ...diagram.groups.filter((g) => g.parent === group.id).flatMap((g) => groupLines(diagram, g, depth + 1)),
    ...diagram.nodes.filter((n) => n.group === group.id).map((n) => nodeLine(n, `${indent}  `)),
    `${indent}end`,
  ];
}

export function toMermaid(diagram: Diagram): string {
  const lines = [
    "---",
    `title: "${escapeLabel(diagram.title)}"`,
    "---",
    `flowchart ${diagram.direction}`,
    ...diagram.groups.filter((g) => g.parent === undefined).flatMap((g) => groupLines(diagram, g, 1)),
    ...diagram.nodes.filter((n) => n.group === undefined).map((n) => nodeLine(n, "  ")),
    ...diagram.edges.map((e) => {
      const arrow = e.dashed ? "-.->" : "-->";
      return `  ${e.from} ${arrow}${e.label ? `|"${escapeLabel(e.label)}"|` : ""} ${e.to}`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}
