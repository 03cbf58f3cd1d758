/**
 * `slipway diagram`: a view of the stack as Mermaid or SVG, with live addresses and status when a
 * state file exists. `--update DIR` rewrites the committed diagrams in DIR, `--check DIR` fails when
 * any of them is stale (for CI). Both draw the plan, never live values, so committed docs do not
 * change with every run of `up`.
 */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { defineCommand } from "citty";
import { loadStack } from "../../config/index.ts";
import { UsageError, UserError } from "../../errors.ts";
import { docFiles } from "../../insight/diagram/docs.ts";
import { type DiagramFormat, renderView } from "../../insight/diagram/render.ts";
import { VIEWS } from "../../insight/diagram/views.ts";
import { stackFacts } from "../../insight/facts.ts";
import { liveServers } from "../../insight/live.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { out, progress } from "../output.ts";

export const diagramCommand = defineCommand({
  meta: { name: "diagram", description: "Draw the stack: architecture, network, pipeline and more" },
  args: {
    ...globalArgs,
    view: {
      type: "string",
      description: `One of ${VIEWS.map((v) => v.name).join(", ")}`,
      valueHint: "VIEW",
      default: "overview",
    },
    format: { type: "string", description: "mermaid or svg", valueHint: "FORMAT", default: "mermaid" },
    output: { type: "string", alias: "o", description: "Write to FILE instead of stdout", valueHint: "FILE" },
    plan: { type: "boolean", description: "Draw the plan even when state has live values" },
    check: { type: "string", description: "Fail when diagrams committed in DIR are stale", valueHint: "DIR" },
    update: { type: "string", description: "Rewrite the diagrams committed in DIR", valueHint: "DIR" },
  },
  async run({ args }) {
    if (args.format !== "mermaid" && args.format !== "svg") {
      throw new UsageError(`--format: expected "mermaid" or "svg", not "${args.format}"`);
    }
    const environment = environmentOf(args);
    const { stack, dir } = await loadStack(args.config, environment ? { environment } : {});
    const dirArg = args.check ?? args.update;
    if (dirArg !== undefined) {
      if (args.check !== undefined && args.update !== undefined)
        throw new UsageError("--check and --update: give one of them");
      const facts = stackFacts(stack);
      const files = await docFiles(dirArg, (view, format) => renderView(facts, view, format));
      if (files.length === 0) {
        throw new UsageError(`${dirArg} has no committed diagrams`, {
          hint: "Add <!-- slipway:diagram overview --> … <!-- /slipway:diagram --> to a Markdown file there, or an overview.mmd file.",
        });
      }
      const stale = files.filter((f) => f.have !== f.want);
      if (args.update !== undefined) {
        for (const f of stale) writeFileSync(f.path, f.want);
        progress(`${stale.length} of ${files.length} diagram file(s) updated in ${dirArg}`);
        return 0;
      }
      if (stale.length === 0) {
        progress(`${files.length} diagram file(s) in ${dirArg} are up to date`);
        return 0;
      }
      throw new UserError(
        `stale diagrams: ${stale.map((f) => relative(process.cwd(), f.path) || f.path).join(", ")}`,
        { hint: `Run: slipway diagram -c ${args.config} --update ${dirArg}` },
      );
    }
    const live = args.plan ? undefined : await liveServers(dir, stack.name, environment);
    const text = await renderView(stackFacts(stack, live), args.view, args.format as DiagramFormat);
    if (args.output) writeFileSync(args.output, text);
    else out(text.trimEnd());
    return 0;
  },
});
