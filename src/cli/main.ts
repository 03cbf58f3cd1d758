/**
 * The slipway command line: parses argv with citty, runs one command, and maps failures to exit codes
 * (0 ok, 1 failure, 2 usage or config error). User errors print their message alone; anything else
 * is a bug and prints its stack.
 */
import { type CommandDef, runCommand } from "citty";
import { UserError } from "../errors.ts";
import { resolveCommand, UNKNOWN_COMMAND } from "./args.ts";
import { ciCommand } from "./commands/ci.ts";
import { costCommand } from "./commands/cost.ts";
import { deployCommand } from "./commands/deploy.ts";
import { destroyCommand } from "./commands/destroy.ts";
import { diagramCommand } from "./commands/diagram.ts";
import { execCommand } from "./commands/exec.ts";
import { forceUnlockCommand } from "./commands/force-unlock.ts";
import { importCommand } from "./commands/import.ts";
import { logsCommand } from "./commands/logs.ts";
import { planCommand } from "./commands/plan.ts";
import { releasesCommand } from "./commands/releases.ts";
import { rollbackCommand } from "./commands/rollback.ts";
import { sandboxCommand } from "./commands/sandbox.ts";
import { secretsCommand } from "./commands/secrets.ts";
import { sshCommand } from "./commands/ssh.ts";
import { statusCommand } from "./commands/status.ts";
import { upCommand } from "./commands/up.ts";
import { validateCommand } from "./commands/validate.ts";
import { err, out, paint, plain, setColor } from "./output.ts";

const VERSION = "0.1.0";

export const rootCommand: CommandDef = {
  meta: {
    name: "slipway",
    version: VERSION,
    description: "From an empty cloud account to a hardened production stack.",
  },
  subCommands: {
    validate: validateCommand,
    plan: planCommand,
    up: upCommand,
    destroy: destroyCommand,
    deploy: deployCommand,
    rollback: rollbackCommand,
    releases: releasesCommand,
    status: statusCommand,
    ssh: sshCommand,
    exec: execCommand,
    sandbox: sandboxCommand,
    logs: logsCommand,
    ci: ciCommand,
    cost: costCommand,
    diagram: diagramCommand,
    secrets: secretsCommand,
    "force-unlock": forceUnlockCommand,
    import: importCommand,
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
