/**
 * The slipway command line: parses argv with citty, runs one command, and maps failures to exit codes
 * (0 ok, 1 failure, 2 usage or config error). User errors print their message alone; anything else
 * is a bug and prints its stack.
 */
import { type CommandDef, runCommand } from "citty";
import { UserError } from "../errors.ts";
import { resolveCommand, UNKNOWN_COMMAND } from "./args.ts";
import { err, out, paint, plain, setColor } from "./output.ts";

const VERSION = "0.1.0";

export const rootCommand: CommandDef = {
  meta: {
    name: "slipway",
    version: VERSION,
    description: "From an empty cloud account to a hardened production stack.",
  },
  // Loaded on use: `slipway plan` should not pay for the sandbox, diagrams or the CI generator.
  subCommands: {
    validate: () => import("./commands/validate.ts").then((m) => m.validateCommand),
    plan: () => import("./commands/plan.ts").then((m) => m.planCommand),
    up: () => import("./commands/up.ts").then((m) => m.upCommand),
    destroy: () => import("./commands/destroy.ts").then((m) => m.destroyCommand),
    deploy: () => import("./commands/deploy.ts").then((m) => m.deployCommand),
    rollback: () => import("./commands/rollback.ts").then((m) => m.rollbackCommand),
    releases: () => import("./commands/releases.ts").then((m) => m.releasesCommand),
    status: () => import("./commands/status.ts").then((m) => m.statusCommand),
    ssh: () => import("./commands/ssh.ts").then((m) => m.sshCommand),
    exec: () => import("./commands/exec.ts").then((m) => m.execCommand),
    sandbox: () => import("./commands/sandbox.ts").then((m) => m.sandboxCommand),
    logs: () => import("./commands/logs.ts").then((m) => m.logsCommand),
    ci: () => import("./commands/ci.ts").then((m) => m.ciCommand),
    cost: () => import("./commands/cost.ts").then((m) => m.costCommand),
    diagram: () => import("./commands/diagram.ts").then((m) => m.diagramCommand),
    secrets: () => import("./commands/secrets.ts").then((m) => m.secretsCommand),
    "force-unlock": () => import("./commands/force-unlock.ts").then((m) => m.forceUnlockCommand),
    import: () => import("./commands/import.ts").then((m) => m.importCommand),
  },
};

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--no-color")) setColor(false);
  try {
    if (argv[0] === "--version" || argv[0] === "-v") {
      out(VERSION);
      return 0;
    }
    const resolved = await resolveCommand(rootCommand, argv);
    if ("usage" in resolved) {
      const help = argv.length === 0 || argv.includes("--help") || argv.includes("-h");
      (help ? out : err)(plain(resolved.usage));
      return help ? 0 : 2;
    }
    const { result } = await runCommand(resolved.command, { rawArgs: resolved.rest });
    return typeof result === "number" ? result : 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof UserError) {
    err(`${paint("red", "Error:")} ${error.message}`);
    if (error.hint) err(error.hint);
    return error.exitCode;
  }
  if ((error as { code?: string }).code === UNKNOWN_COMMAND) {
    err(`${paint("red", "Error:")} ${(error as Error).message}`);
    return 2;
  }
  err(
    `${paint("red", "slipway hit a bug:")} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  err("Please report it with the command you ran and the output above.");
  return 1;
}
