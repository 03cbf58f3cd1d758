/**
 * The toolkit of the cross-reference pass: a collector of issues with paths, and a reference check that
 * says which names exist and which one was probably meant. The pass runs on the parsed stack only once
 * every section is well-formed, so it can trust shapes and report in terms of the names users wrote.
 */
import { closest, listOf } from "./suggest.ts";

export type Path = (string | number)[];

export interface Issue {
  path: Path;
  message: string;
}

export class Findings {
  readonly issues: Issue[] = [];

  fail(path: Path, message: string): void {
    this.issues.push({ path, message });
  }

  /**
   * Fails at `path` unless `name` is a key of `table`. The message names the kind, suggests the closest
   * name, or lists what exists (or says where to define one when nothing does).
   */
  ref(
    path: Path,
    kind: string,
    name: string,
    table: Record<string, unknown> | undefined,
    section: string,
  ): boolean {
    if (table && Object.hasOwn(table, name)) return true;
    this.fail(path, unknownName(kind, name, Object.keys(table ?? {}), section));
    return false;
  }
}

export function unknownName(kind: string, name: string, known: string[], section: string): string {
  const match = closest(name, known);
  if (match) return `unknown ${kind} "${name}"; did you mean "${match}"?`;
  if (known.length === 0) return `unknown ${kind} "${name}"; none is defined, add one under ${section}`;
  return `unknown ${kind} "${name}"; defined: ${listOf(known.slice(0, 8), "and")}${known.length > 8 ? ", …" : ""}`;
}

/** Depth-first search for a cycle in `edges`; returns the names on it, first repeated at the end. */
export function findCycle(edges: Record<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edges[node] ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of Object.keys(edges)) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
