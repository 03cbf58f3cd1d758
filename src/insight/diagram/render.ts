/**
 * One view of one stack, drawn in the asked format: the entry point the CLI and docs use.
 */
import { UsageError } from "../../errors.ts";
import { closest } from "../../util/closest.ts";
import type { StackFacts } from "../facts.ts";
import { toMermaid } from "./mermaid.ts";
import { toSvg } from "./svg.ts";
import { findView, VIEWS } from "./views.ts";

export type DiagramFormat = "mermaid" | "svg";

export async function renderView(facts: StackFacts, view: string, format: DiagramFormat): Promise<string> {
  const found = findView(view);
  if (!found) {
    const guess = closest(
      view,
      VIEWS.map((v) => v.name),
    );
    throw new UsageError(`--view: unknown view "${view}"${guess ? `; did you mean "${guess}"?` : ""}`, {
      hint: `Views: ${VIEWS.map((v) => v.name).join(", ")}.`,
    });
  }
  const diagram = await found.draw(facts);
  return format === "svg" ? toSvg(diagram) : toMermaid(diagram);
}
