/**
 * Strict argv checking on top of citty, which accepts unknown flags silently: a typo such as
 * `--detailed-exit-code` must be a usage error (exit 2) naming the flag, not a plan that exits 0.
 */
import { type ArgsDef, type CommandDef, renderUsage } from "citty";
import { UsageError } from "../errors.ts";
import { closest } from "../util/closest.ts";

export const UNKNOWN_COMMAND = "E_UNKNOWN_COMMAND";

/** Flags every command accepts. */
export const globalArgs = {
  config: {
    type: "string",
    alias: "c",
    description: "Stack file",
    valueHint: "FILE",
    default: "slipway.config.ts",
  },
  environment: {
    type: "string",
    alias: "e",
    description:
      'Environment of the stack (default: $SLIPWAY_ENVIRONMENT, else "production", the stack as written)',
    valueHint: "NAME",
  },
  json: { type: "boolean", description: "Print machine-readable JSON" },
  yes: { type: "boolean", description: "Do not ask for confirmation" },
  color: {
    type: "boolean",
    description: "Colour output (--no-color or NO_COLOR turn it off)",
    default: true,
  },
} as const satisfies ArgsDef;

async function resolve<T>(
  value: T | Promise<T> | (() => T | Promise<T>) | undefined,
): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

export type Resolved = { usage: string } | { command: CommandDef; rest: string[] };

/**
 * Finds the command argv names and checks its flags: returns usage text to print (for --help or a bare
 * group command), or the leaf command with its own arguments; throws UsageError on a mistake.
 * The CLI runs the leaf itself, because citty drops the return value (our exit code) of subcommands.
 */
export async function resolveCommand(root: CommandDef, argv: string[]): Promise<Resolved> {
  let command = root;
  let parent: CommandDef | undefined;
  let index = 0;
  const path: string[] = [];
  for (;;) {
    const subCommands = await resolve(command.subCommands);
    const token = argv[index];
    if (!subCommands || token === undefined || token.startsWith("-")) break;
    const next = await resolve(subCommands[token]);
    if (!next) {
      const known = Object.keys(subCommands);
      const guess = closest(token, known);
      throw new UsageError(
        `unknown command "${[...path, token].join(" ")}"${guess ? `; did you mean "${[...path, guess].join(" ")}"?` : ""}`,
        {
          hint: `Commands: ${known.join(", ")}. Run slipway ${path.join(" ")} --help for usage.`.replace(
            "  ",
            " ",
          ),
        },
      );
    }
    parent = command;
    command = next;
    path.push(token);
    index++;
  }
  const rest = argv.slice(index);
  const dashDash = rest.indexOf("--");
  const own = dashDash === -1 ? rest : rest.slice(0, dashDash);
  if (own.includes("--help") || own.includes("-h") || !command.run)
    return { usage: await renderUsage(command, parent) };
  checkFlags((await resolve(command.args)) ?? {}, rest, path.join(" "));
  return { command, rest };
}

function checkFlags(args: ArgsDef, tokens: string[], commandName: string): void {
  const byName = new Map<string, { type: string | undefined }>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const aliases = "alias" in def && def.alias ? [def.alias].flat() : [];
    for (const key of [name, ...aliases]) byName.set(key, { type: def.type });
    if (def.type === "boolean") byName.set(`no-${name}`, { type: "boolean" });
  }
  const positionals = Object.values(args).filter((def) => def.type === "positional");
  let positionalCount = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "--") break; // everything after belongs to a remote command
    if (!token.startsWith("-") || token === "-") {
      positionalCount++;
      if (positionalCount > positionals.length) {
        throw new UsageError(`slipway ${commandName}: unexpected argument "${token}"`, {
          hint: `Run slipway ${commandName} --help for usage.`,
        });
      }
      continue;
    }
    const [flag = "", inlineValue] = token.replace(/^--?/, "").split(/=(.*)/s, 2);
    const def = byName.get(flag);
    if (!def) {
      const guess = closest(flag, [...byName.keys()]);
      const suggestion = guess && (guess.length === 1 ? `-${guess}` : `--${guess}`);
      throw new UsageError(
        `slipway ${commandName}: unknown flag "${token.split("=")[0]}"${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
        { hint: `Run slipway ${commandName} --help for the flags it takes.` },
      );
    }
    if (def.type === "string" || def.type === "enum") {
      if (inlineValue !== undefined) continue;
      const value = tokens[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-")) {
        throw new UsageError(
          `slipway ${commandName}: ${flag.length === 1 ? "-" : "--"}${flag} needs a value`,
        );
      }
      i++;
    }
  }
  const required = positionals.filter((def) => def.required === true).length;
  if (positionalCount < required) {
    throw new UsageError(`slipway ${commandName}: missing argument`, {
      hint: `Run slipway ${commandName} --help for usage.`,
    });
  }
}
