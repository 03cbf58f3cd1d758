// Selecting an environment: -e/--environment on every command, SLIPWAY_ENVIRONMENT, and names checked for their shape.
import { type CommandDef, defineCommand, parseArgs } from "citty";
import { describe, expect, it } from "vitest";
import { globalArgs, resolveCommand } from "../../../src/cli/args.ts";
import { environmentOf } from "../../../src/cli/environment.ts";
import { rootCommand } from "../../../src/cli/main.ts";
import { loadStack } from "../../../src/config/index.ts";
import { UsageError } from "../../../src/errors.ts";
import { workflowYaml } from "../../../src/insight/ci/workflow.ts";

const plan = defineCommand({ meta: { name: "plan" }, args: { ...globalArgs }, run: () => 0 });
const root: CommandDef = { meta: { name: "slipway" }, subCommands: { plan } };

describe("--environment", () => {
  it.each([
    [["-e", "staging"]],
    [["--environment", "staging"]],
    [["--environment=staging"]],
    [["-c", "x.ts", "-e", "staging", "--json"]],
  ])("is read from %j", async (argv) => {
    const resolved = await resolveCommand(root, ["plan", ...argv]);
    expect("command" in resolved).toBe(true);
    expect(environmentOf(parseArgs<typeof globalArgs>(argv, globalArgs), {})).toBe("staging");
  });

  it("needs a value", async () => {
    await expect(resolveCommand(root, ["plan", "-e"])).rejects.toThrow("plan: -e needs a value");
    await expect(resolveCommand(root, ["plan", "--environment", "--json"])).rejects.toThrow(
      "--environment needs a value",
    );
  });
});

describe("environmentOf", () => {
  it("prefers the flag over SLIPWAY_ENVIRONMENT", () => {
    expect(environmentOf({ environment: "preview" }, { SLIPWAY_ENVIRONMENT: "staging" })).toBe("preview");
    expect(environmentOf({}, { SLIPWAY_ENVIRONMENT: "staging" })).toBe("staging");
  });

  it.each([
    ["nothing", {}, {}],
    ["an empty SLIPWAY_ENVIRONMENT", {}, { SLIPWAY_ENVIRONMENT: "" }],
    ["production by flag", { environment: "production" }, { SLIPWAY_ENVIRONMENT: "staging" }],
    ["production by variable", {}, { SLIPWAY_ENVIRONMENT: "production" }],
  ])("gives the stack as written for %s", (_, args, env) => {
    expect(environmentOf(args, env)).toBeUndefined();
  });

  it.each([
    ["../prod", { environment: "../prod" }, {}, "--environment"],
    ["Staging", {}, { SLIPWAY_ENVIRONMENT: "Staging" }, "SLIPWAY_ENVIRONMENT"],
    ["an empty flag", { environment: "" }, {}, "--environment"],
  ])("refuses %s, naming where it came from", (_, args, env, source) => {
    const act = () => environmentOf(args, env);
    expect(act).toThrow(UsageError);
    expect(act).toThrow(new RegExp(`^${source}: expected an environment name`));
  });
});

describe("the generated CI workflow", () => {
  /** argv of a shell line as toShell writes it: words, or single-quoted strings. */
  const words = (line: string) =>
    [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => m[2] ?? m[1]!.replaceAll("'\\''", "'"));

  it("passes only flags the CLI takes, --environment on staging's commands included", async () => {
    const file = "examples/tux/slipway.config.ts";
    const { stack } = await loadStack(file);
    const staging = (await loadStack(file, { environment: "staging" })).stack;
    const yaml = workflowYaml({
      stack,
      stackFor: (environment) => (environment === "staging" ? staging : stack),
      configFile: file,
      configDir: "examples/tux",
      slipwayVersion: "0.1.0",
    });
    const lines = yaml
      .split("\n")
      .map((line) => line.trim().replace(/^(?:- )?run: /, ""))
      .filter((line) => line.startsWith("slipway "));
    expect(lines.filter((line) => line.includes("--environment staging")).length).toBeGreaterThan(0);
    for (const line of lines) {
      const argv = words(line).slice(1);
      const resolved = await resolveCommand(rootCommand, argv);
      expect("command" in resolved, line).toBe(true);
      if (line.includes("--environment staging")) {
        expect(environmentOf(parseArgs<typeof globalArgs>(argv, globalArgs), {})).toBe("staging");
      }
    }
  });
});
