/**
 * SVG through Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no browser, no native binary.
 * The module is loaded once per process, on first use, since most commands never draw.
 */
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { toDot } from "./dot.ts";
import type { Diagram } from "./graph.ts";

let graphviz: Promise<Graphviz> | undefined;

export async function toSvg(diagram: Diagram): Promise<string> {
  graphviz ??= Graphviz.load();
  return (await graphviz).dot(toDot(diagram));
}
