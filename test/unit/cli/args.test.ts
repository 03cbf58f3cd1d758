// Strict argv checking: command lookup with suggestions, unknown flags, values, positionals, `--` and help.
import { type CommandDef, defineCommand } from "citty";
import { describe, expect, it } from "vitest";
import { globalArgs, resolveCommand } from "../../../src/cli/args.ts";
import { UsageError } from "../../../src/errors.ts";

const run = () => 0;
const plan = defineCommand({
  meta: { name: "plan", description: "Show what `up` would change" },
  args: { ...globalArgs, "detailed-exitcode": { type: "boolean", description: "Exit 2 on changes" } },
  run,
});
const exec = defineCommand({
  meta: { name: "exec", description: "Run a command on a host" },
  args: { ...globalArgs, host: { type: "positional", required: true, description: "Host" } },
  run,
});
const logs = defineCommand({
  meta: { name: "logs", description: "Show logs" },
  args: {
    ...globalArgs,
    service: { type: "positional", required: false, description: "Service" },
    follow: { type: "boolean", alias: "f", description: "Follow" },
  },
  run,
});
const sandbox = defineCommand({
  meta: { name: "sandbox", description: "The local cloud" },
  subCommands: {
    up: defineCommand({ meta: { name: "up" }, args: globalArgs, run }),
    down: defineCommand({ meta: { name: "down" }, run }),
  },
});
const root: CommandDef = {
  meta: { name: "slipway", description: "Stacks" },
  subCommands: { plan, exec, logs, sandbox },
};

async function failure(argv: string[]): Promise<{ message: string; hint: string | undefined }> {
  const error = await resolveCommand(root, argv).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return { message: (error as UsageError).message, hint: (error as UsageError).hint };
}

describe("resolveCommand finds the command", () => {
  it.each([
    ["a leaf with its flags", ["plan", "--json", "-c", "x.ts"], "plan", ["--json", "-c", "x.ts"]],
    ["a nested leaf", ["sandbox", "up", "--yes"], "up", ["--yes"]],
    ["a flag with an inline value", ["plan", "--config=stacks/a b.ts"], "plan", ["--config=stacks/a b.ts"]],
    ["an inline value that contains =", ["plan", "--config=a=b.ts"], "plan", ["--config=a=b.ts"]],
    ["a negated boolean", ["plan", "--no-color"], "plan", ["--no-color"]],
    ["a short alias", ["logs", "web", "-f"], "logs", ["web", "-f"]],
    ["- as a value", ["plan", "--config", "-"], "plan", ["--config", "-"]],
    ["an optional positional left out", ["logs"], "logs", []],
    [
      "everything after -- untouched",
      ["exec", "web-1", "--", "ls", "-la", "--bogus", "--help"],
      "exec",
      ["web-1", "--", "ls", "-la", "--bogus", "--help"],
    ],
  ])("resolves %s", async (_, argv, name, rest) => {
    const resolved = await resolveCommand(root, argv);
    expect("command" in resolved && resolved.command.meta).toMatchObject({ name });
    expect("rest" in resolved && resolved.rest).toEqual(rest);
  });
});

describe("resolveCommand rejects mistakes with exit 2", () => {
  it.each([
    [
      "a misspelt command, with a suggestion",
      ["paln"],
      'unknown command "paln"; did you mean "plan"?',
      "Commands: plan, exec, logs, sandbox. Run slipway --help for usage.",
    ],
    [
      "a misspelt subcommand, with the group",
      ["sandbox", "upp"],
      'unknown command "sandbox upp"; did you mean "sandbox up"?',
      "Commands: up, down. Run slipway sandbox --help for usage.",
    ],
    [
      "a command nothing resembles",
      ["kubernetes"],
      'unknown command "kubernetes"',
      "Commands: plan, exec, logs, sandbox. Run slipway --help for usage.",
    ],
    [
      "a misspelt flag, with a suggestion",
      ["plan", "--detailed-exit-code"],
      'slipway plan: unknown flag "--detailed-exit-code"; did you mean "--detailed-exitcode"?',
      "Run slipway plan --help for the flags it takes.",
    ],
    [
      "a misspelt flag with an inline value, naming only the flag",
      ["plan", "--confg=x.ts"],
      'slipway plan: unknown flag "--confg"; did you mean "--config"?',
      "Run slipway plan --help for the flags it takes.",
    ],
    [
      "an unknown short flag, suggesting a short alias as written",
      ["sandbox", "up", "-q"],
      'slipway sandbox up: unknown flag "-q"; did you mean "-c"?',
      "Run slipway sandbox up --help for the flags it takes.",
    ],
    [
      "an extra argument",
      ["plan", "web"],
      'slipway plan: unexpected argument "web"',
      "Run slipway plan --help for usage.",
    ],
    ["a missing argument", ["exec"], "slipway exec: missing argument", "Run slipway exec --help for usage."],
  ])("%s", async (_, argv, message, hint) => {
    expect(await failure(argv)).toEqual({ message, hint });
  });

  it.each([
    ["at the end", ["plan", "--config"]],
    ["before another flag", ["plan", "--config", "--json"]],
  ])("needs a value for a string flag given none %s", async (_, argv) => {
    expect(await failure(argv)).toEqual({ message: "slipway plan: --config needs a value", hint: undefined });
  });

  it("checks flags before -- only", async () => {
    expect((await failure(["exec", "web", "--bogus", "--", "ls"])).message).toBe(
      'slipway exec: unknown flag "--bogus"',
    );
  });
});

describe("resolveCommand returns usage", () => {
  it.each([
    ["for --help", ["plan", "--help"], "slipway plan"],
    ["for -h", ["plan", "-h"], "slipway plan"],
    ["for a group without its subcommand", ["sandbox"], "slipway sandbox"],
    ["for no arguments at all", [], "slipway"],
  ])("%s", async (_, argv, usageOf) => {
    const resolved = await resolveCommand(root, argv);
    expect("usage" in resolved).toBe(true);
    expect("usage" in resolved && resolved.usage).toContain(usageOf);
  });

  it("lists the command's flags in its usage", async () => {
    const resolved = await resolveCommand(root, ["plan", "--help", "--bogus"]);
    expect("usage" in resolved && resolved.usage).toContain("--detailed-exitcode");
  });
});
