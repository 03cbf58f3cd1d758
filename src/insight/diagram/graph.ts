/**
 * A diagram as data: groups (nested boxes), nodes and edges, with nothing of Mermaid or Graphviz in
 * it. Each view builds one, and the two renderers draw the same picture. Ids are made safe here once:
 * every node id gets an `n_` prefix and every group a `g_` prefix, so a stack that names a server
 * "end" or "graph" (Mermaid keywords) still parses.
 */

export type Shape = "box" | "database" | "rounded" | "stadium" | "hexagon";

export interface DiagramNode {
  id: string;
  /** One entry per line. */
  lines: string[];
  shape: Shape;
  group: string | undefined;
}

export interface DiagramGroup {
  id: string;
  label: string;
  parent: string | undefined;
}

export interface DiagramEdge {
  from: string;
  /** A node id, or a group id when `toGroup` (an arrow to the whole box). */
  to: string;
  toGroup: boolean;
  label: string | undefined;
  dashed: boolean;
}

export interface Diagram {
  title: string;
  direction: "TB" | "LR";
  groups: DiagramGroup[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

function safeId(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

export class DiagramBuilder {
  private readonly diagram: Diagram;

  constructor(title: string, direction: "TB" | "LR") {
    this.diagram = { title, direction, groups: [], nodes: [], edges: [] };
  }

  /** Adds a group (once; later calls with the same key are ignored) and returns its key. */
  group(key: string, label: string, parent?: string): string {
    const id = safeId("g", key);
    if (!this.diagram.groups.some((g) => g.id === id)) {
      this.diagram.groups.push({ id, label, parent: parent === undefined ? undefined : safeId("g", parent) });
    }
    return key;
  }

  node(key: string, lines: string[], options: { shape?: Shape; group?: string } = {}): string {
    const id = safeId("n", key);
    if (this.diagram.nodes.some((n) => n.id === id)) throw new Error(`diagram node ${key} added twice`);
    this.diagram.nodes.push({
      id,
      lines: lines.filter((line) => line.length > 0),
      shape: options.shape ?? "box",
      group: options.group === undefined ? undefined : safeId("g", options.group),
    });
    return key;
  }

  has(key: string): boolean {
    return this.diagram.nodes.some((n) => n.id === safeId("n", key));
  }

  edge(from: string, to: string, options: { label?: string; dashed?: boolean } = {}): void {
    const edge = {
      from: safeId("n", from),
      to: safeId("n", to),
      toGroup: false,
      label: options.label,
      dashed: options.dashed ?? false,
    };
    const same = (e: DiagramEdge) => e.from === edge.from && e.to === edge.to && e.label === edge.label;
    if (!this.diagram.edges.some(same)) this.diagram.edges.push(edge);
  }

  /** An arrow to a whole group ("every server"), instead of one arrow per node in it. */
  edgeToGroup(from: string, group: string, options: { label?: string; dashed?: boolean } = {}): void {
    this.diagram.edges.push({
      from: safeId("n", from),
      to: safeId("g", group),
      toGroup: true,
      label: options.label,
      dashed: options.dashed ?? false,
    });
  }

  /** The finished diagram; throws if an edge names a node that was never added (a bug in a view). */
  build(): Diagram {
    // Groups left empty (a "public" box when every server is on a network) are not drawn.
    const used = (id: string): boolean =>
      this.diagram.nodes.some((n) => n.group === id) ||
      this.diagram.groups.some((g) => g.parent === id && used(g.id));
    const groups = this.diagram.groups.filter((g) => used(g.id));
    const ids = new Set(this.diagram.nodes.map((n) => n.id));
    const groupIds = new Set(groups.map((g) => g.id));
    for (const e of this.diagram.edges) {
      const target = e.toGroup ? groupIds.has(e.to) : ids.has(e.to);
      if (!ids.has(e.from) || !target) throw new Error(`diagram edge ${e.from} → ${e.to} is dangling`);
    }
    return { ...this.diagram, groups };
  }
}
