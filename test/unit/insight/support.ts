/**
 * Shared by the insight tests: the example stacks, and Mermaid's real flowchart parser made to run in
 * Node. Mermaid sanitises labels with DOMPurify, which needs a browser DOM; sanitising is not parsing,
 * so DOMPurify's two entry points pass text through here and the grammar still decides.
 */
import { join } from "node:path";
import DOMPurify from "dompurify";
import { loadStack, type Stack } from "../../../src/config/index.ts";

export const EXAMPLES = ["hello", "mau", "tux", "isntgram", "mandari"] as const;
export const examplesDir = join(import.meta.dirname, "../../../examples");

export async function example(name: string): Promise<Stack> {
  return (await loadStack(join(examplesDir, name, "slipway.config.ts"))).stack;
}

let parser: Promise<(text: string) => Promise<unknown>> | undefined;

export function mermaidParse(text: string): Promise<unknown> {
  parser ??= (async () => {
    const purify = DOMPurify as unknown as Record<string, unknown>;
    purify.sanitize = (text: unknown) => String(text);
    purify.addHook = () => {};
    const { default: mermaid } = await import("mermaid");
    return (source: string) => mermaid.parse(source);
  })();
  return parser.then((parse) => parse(text));
}
