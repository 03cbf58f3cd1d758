/**
 * Every view of every example: Mermaid that Mermaid's own parser accepts, SVG from Graphviz that is
 * well-formed XML, and both naming every server (its Hetzner name) and every service of the stack.
 */
import { XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../../src/config/index.ts";
import { toMermaid } from "../../../src/insight/diagram/mermaid.ts";
import { toSvg } from "../../../src/insight/diagram/svg.ts";
import { VIEWS } from "../../../src/insight/diagram/views.ts";
import { stackFacts } from "../../../src/insight/facts.ts";
import { serverInstances } from "../../../src/stack/resources.ts";
import { EXAMPLES, example, mermaidParse } from "./support.ts";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Text content as a reader sees it: Graphviz writes "-" as &#45;. */
function decodeXml(text: string): string {
  return text.replace(/&(#\d+|[a-z]+);/g, (_, e: string) =>
    e.startsWith("#") ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e] ?? `&${e};`),
  );
}

function names(stack: Stack): string[] {
  return [...serverInstances(stack).map((s) => s.cloudName), ...Object.keys(stack.services)];
}

describe.each(EXAMPLES)("diagrams of examples/%s", (name) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await example(name);
  });

  it.each(VIEWS.map((v) => v.name))("%s: Mermaid parses and names every server and service", async (view) => {
    const diagram = await VIEWS.find((v) => v.name === view)!.draw(stackFacts(stack));
    const text = toMermaid(diagram);
    await expect(mermaidParse(text)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
    for (const n of names(stack)) expect(text).toContain(n);
  });

  it.each(VIEWS.map((v) => v.name))(
    "%s: SVG is well-formed XML and names every server and service",
    async (view) => {
      const diagram = await VIEWS.find((v) => v.name === view)!.draw(stackFacts(stack));
      const svg = await toSvg(diagram);
      expect(XMLValidator.validate(svg)).toBe(true);
      const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decodeXml(m[1]!)).join("\n");
      for (const n of names(stack)) expect(texts).toContain(n);
    },
  );
});
