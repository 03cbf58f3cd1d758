/**
 * SVG through Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no browser, no native binary.
 * The package (800 kB of JavaScript with the WebAssembly inside) is imported on first use and loaded
 * once per process, so commands that never draw do not pay for it at start-up.
 */
import type { Graphviz } from "@hpcc-js/wasm-graphviz";
import { toDot } from "./dot.ts";
import type { Diagram } from "./graph.ts";

let graphviz: Promise<Graphviz> | undefined;

export async function toSvg(diagram: Diagram): Promise<string> {
  graphviz ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
  return (await graphviz).dot(toDot(diagram));
}
