/**
 * Committed diagrams: every example README embeds current Mermaid (the check CI runs), and
 * `slipway diagram --check` fails on a stale block or view file, passes again after `--update`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { UsageError } from "../../../src/errors.ts";
import { docFiles, embeddedViews, updateMarkdown } from "../../../src/insight/diagram/docs.ts";
import { renderView } from "../../../src/insight/diagram/render.ts";
import { VIEWS } from "../../../src/insight/diagram/views.ts";
import { stackFacts } from "../../../src/insight/facts.ts";
import { EXAMPLES, example, examplesDir } from "./support.ts";

async function quietMain(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    return { code: await main(argv), stderr };
  } finally {
    write.mockRestore();
    stdout.mockRestore();
  }
}

describe("example READMEs", () => {
  it.each(EXAMPLES)("examples/%s/README.md embeds every view, up to date", async (name) => {
    const facts = stackFacts(await example(name));
    const files = await docFiles(join(examplesDir, name), (view, format) => renderView(facts, view, format));
    const readme = files.find((f) => f.path.endsWith("README.md"));
    expect(readme).toBeDefined();
    expect(embeddedViews(readme!.have, "README.md")).toEqual(VIEWS.map((v) => v.name));
    // On failure: slipway diagram -c examples/<name>/slipway.config.ts --update examples/<name>
    expect(readme!.have).toBe(readme!.want);
  });
});

describe("updateMarkdown", () => {
  it("replaces only what is between the markers", () => {
    const text = "intro\n<!-- slipway:diagram overview -->\nold\n<!-- /slipway:diagram -->\nafter\n";
    expect(updateMarkdown(text, new Map([["overview", "flowchart TB\n  a\n"]]))).toBe(
      "intro\n<!-- slipway:diagram overview -->\n```mermaid\nflowchart TB\n  a\n```\n<!-- /slipway:diagram -->\nafter\n",
    );
  });

  it("names an unknown view and suggests the closest", () => {
    const text = "<!-- slipway:diagram netwrk -->\n<!-- /slipway:diagram -->\n";
    expect(() => embeddedViews(text, "docs/a.md")).toThrow(UsageError);
    expect(() => embeddedViews(text, "docs/a.md")).toThrow(
      'docs/a.md: unknown diagram view "netwrk"; did you mean "network"?',
    );
  });
});

describe("slipway diagram --check", () => {
  const config = join(examplesDir, "hello", "slipway.config.ts");

  /** A directory with a README embedding two views, brought up to date by `--update`. */
  async function fresh(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "slipway-diagrams-"));
    const block = (view: string) => `<!-- slipway:diagram ${view} -->\n<!-- /slipway:diagram -->\n`;
    writeFileSync(join(dir, "README.md"), `# hello\n\n${block("overview")}\n${block("network")}`);
    expect((await quietMain(["diagram", "-c", config, "--update", dir])).code).toBe(0);
    return dir;
  }

  it("passes on fresh diagrams", async () => {
    expect((await quietMain(["diagram", "-c", config, "--check", await fresh()])).code).toBe(0);
  });

  it("fails on a stale README block, names the file, and passes after --update", async () => {
    const dir = await fresh();
    const readme = join(dir, "README.md");
    writeFileSync(readme, readFileSync(readme, "utf8").replace("hello-web", "hello-old"));
    const stale = await quietMain(["diagram", "-c", config, "--check", dir]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("stale diagrams:");
    expect(stale.stderr).toContain("README.md");
    expect((await quietMain(["diagram", "-c", config, "--update", dir])).code).toBe(0);
    expect((await quietMain(["diagram", "-c", config, "--check", dir])).code).toBe(0);
  });

  it("fails on a stale view file (.mmd and .svg)", async () => {
    const dir = await fresh();
    const facts = stackFacts(await example("hello"));
    writeFileSync(join(dir, "network.mmd"), await renderView(facts, "network", "mermaid"));
    writeFileSync(join(dir, "overview.svg"), await renderView(facts, "overview", "svg"));
    expect((await quietMain(["diagram", "-c", config, "--check", dir])).code).toBe(0);
    writeFileSync(join(dir, "overview.svg"), "<svg/>");
    const stale = await quietMain(["diagram", "-c", config, "--check", dir]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("overview.svg");
  });

  it("is a usage error on a directory without diagrams", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-diagrams-"));
    const result = await quietMain(["diagram", "-c", config, "--check", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has no committed diagrams");
  });
});
