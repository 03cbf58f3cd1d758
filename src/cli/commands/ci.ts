/**
 * `slipway ci generate`: writes the CI/CD workflow the stack's `ci` section describes (GitHub Actions),
 * at `ci.workflow` under the current directory (the repository root). `--check` writes nothing and
 * fails when the committed file differs, so CI catches a stack changed without regenerating.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { defineCommand } from "citty";
import { loadStack } from "../../config/index.ts";
import { UsageError, UserError } from "../../errors.ts";
import { workflowYaml } from "../../insight/ci/workflow.ts";
import { globalArgs } from "../args.ts";
import { out, progress } from "../output.ts";

function slipwayVersion(): string {
  const manifest = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

const generateCommand = defineCommand({
  meta: { name: "generate", description: "Write the CI/CD workflow from the stack's ci section" },
  args: {
    ...globalArgs,
    provider: { type: "string", description: 'CI provider: "github"', valueHint: "NAME", default: "github" },
    check: { type: "boolean", description: "Fail when the committed workflow is stale; write nothing" },
    output: {
      type: "string",
      alias: "o",
      description: "Workflow file (default: ci.workflow)",
      valueHint: "FILE",
    },
    stdout: { type: "boolean", description: "Print the workflow instead of writing it" },
  },
  async run({ args }) {
    if (args.provider !== "github") {
      throw new UsageError(
        `--provider: "${args.provider}" is not supported; slipway generates "github" workflows`,
      );
    }
    // The flag only: a SLIPWAY_ENVIRONMENT left in the shell should not stop the workflow being written.
    if (args.environment !== undefined) {
      throw new UsageError("--environment: ci generate writes one workflow for every stage of ci.deploy", {
        hint: "Drop --environment; the workflow passes it to each non-production stage itself.",
      });
    }
    const { stack, file, dir } = await loadStack(args.config);
    const ci = stack.ci;
    if (!ci) {
      throw new UsageError(`${relative(process.cwd(), file)} has no ci section`, {
        hint: 'Add one, e.g. ci: { checks: { test: "npm test" }, deploy: [{ environment: "production", approval: true }] }',
      });
    }
    const merged = new Map<string, typeof stack>([["production", stack]]);
    for (const stage of ci.deploy) {
      if (!merged.has(stage.environment))
        merged.set(
          stage.environment,
          (await loadStack(args.config, { environment: stage.environment })).stack,
        );
    }
    const text = workflowYaml({
      stack,
      stackFor: (environment) => merged.get(environment)!,
      configFile: relative(process.cwd(), file),
      configDir: relative(process.cwd(), dir),
      slipwayVersion: slipwayVersion(),
    });
    if (args.stdout) {
      out(text.trimEnd());
      return 0;
    }
    const path = args.output ?? ci.workflow;
    const have = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (args.check) {
      if (have === text) {
        progress(`${path} is up to date`);
        return 0;
      }
      throw new UserError(
        `${path} is ${have === null ? "missing" : "stale"}: it does not match the stack's ci section`,
        {
          hint: `Run: slipway ci generate -c ${args.config}`,
        },
      );
    }
    if (have === text) {
      progress(`${path} is up to date`);
      return 0;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    progress(`wrote ${path}`);
    return 0;
  },
});

export const ciCommand = defineCommand({
  meta: { name: "ci", description: "CI/CD pipeline generated from the stack" },
  subCommands: { generate: generateCommand },
});
