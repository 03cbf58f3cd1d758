/**
 * Committed diagrams kept fresh: Markdown files carry generated Mermaid between markers
 *
 *   <!-- slipway:diagram overview -->
 *   ```mermaid
 *   …
 *   ```
 *   <!-- /slipway:diagram -->
 *
 * and a directory may also hold `<view>.mmd` / `<view>.svg` files. `update` rewrites what is between
 * the markers (and those files); `check` lists what differs, for CI. Pure apart from reading the
 * directory; rendering is passed in, so the same code serves Mermaid and SVG.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../errors.ts";
import { closest } from "../../util/closest.ts";
import { VIEWS } from "./views.ts";

const BLOCK = /(<!-- slipway:diagram ([a-z-]+) -->\n)([\s\S]*?)(<!-- \/slipway:diagram -->)/g;

export function mermaidBlock(mermaid: string): string {
  return `\`\`\`mermaid\n${mermaid}\`\`\`\n`;
}

/** The views a Markdown text embeds, in order; an unknown view name is a usage error naming the file. */
export function embeddedViews(text: string, file: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => {
    const view = m[2]!;
    if (!VIEWS.some((v) => v.name === view)) {
      const guess = closest(
        view,
        VIEWS.map((v) => v.name),
      );
      throw new UsageError(
        `${file}: unknown diagram view "${view}"${guess ? `; did you mean "${guess}"?` : ""}`,
        { hint: `Views: ${VIEWS.map((v) => v.name).join(", ")}.` },
      );
    }
    return view;
  });
}

/** The text with every marked block replaced by the current Mermaid of its view. */
export function updateMarkdown(text: string, mermaid: ReadonlyMap<string, string>): string {
  return text.replace(BLOCK, (_all, open: string, view: string, _old: string, close: string) => {
    return `${open}${mermaidBlock(mermaid.get(view)!)}${close}`;
  });
}

export interface DocFile {
  path: string;
  /** What the file should contain. */
  want: string;
  /** What it contains now. */
  have: string;
}

/**
 * Every generated file in `dir` with its wanted content: Markdown files with markers, and view files
 * named `<view>.mmd` or `<view>.svg`. `render` gives a view's Mermaid or SVG.
 */
export async function docFiles(
  dir: string,
  render: (view: string, format: "mermaid" | "svg") => Promise<string>,
): Promise<DocFile[]> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    throw new UsageError(`${dir} is not a directory slipway can read`, {
      hint: "Pass the directory that holds the committed diagrams (README.md with slipway:diagram markers, or <view>.mmd files).",
    });
  }
  const files: DocFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const view = VIEWS.find((v) => name === `${v.name}.mmd` || name === `${v.name}.svg`);
    if (view) {
      const have = readFileSync(path, "utf8");
      files.push({ path, have, want: await render(view.name, name.endsWith(".svg") ? "svg" : "mermaid") });
    } else if (name.endsWith(".md")) {
      const have = readFileSync(path, "utf8");
      const views = embeddedViews(have, path);
      if (views.length === 0) continue;
      const mermaid = new Map<string, string>();
      for (const v of new Set(views)) mermaid.set(v, await render(v, "mermaid"));
      files.push({ path, have, want: updateMarkdown(have, mermaid) });
    }
  }
  return files;
}
