/**
 * `slipway secrets set|get|list|rm`: the encrypted secrets file beside the stack file. Values go in
 * through an argument, a file or stdin (stdin and files keep them out of shell history); `get` is the
 * one place a value is printed, on purpose, to stdout only.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { defineCommand } from "citty";
import { UsageError } from "../../errors.ts";
import { checkSecretName, type SecretsFile } from "../../secrets/secrets-file.ts";
import { stackKeys } from "../../stack/state-setup.ts";
import { globalArgs } from "../args.ts";
import { checkEnvironment, environmentOf } from "../environment.ts";
import { json, out } from "../output.ts";

/** The secrets file of the selected environment (each has its own; see secretsFilePath). */
async function secretsFile(args: { config: string; environment?: string }): Promise<SecretsFile> {
  const environment = environmentOf(args);
  await checkEnvironment(args.config, environment);
  return stackKeys(dirname(resolve(args.config)), process.env, { environment }).secretsFile;
}

const nameArg = {
  name: {
    type: "positional",
    required: true,
    description: "Secret name, e.g. DATABASE_URL",
    valueHint: "NAME",
  },
} as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function valueFrom(args: { value?: string; "from-file"?: string }): Promise<string> {
  if (args.value !== undefined && args["from-file"] !== undefined) {
    throw new UsageError("secrets set: pass VALUE or --from-file, not both");
  }
  if (args["from-file"] !== undefined) {
    try {
      return readFileSync(resolve(args["from-file"]), "utf8");
    } catch (error) {
      throw new UsageError(`--from-file: cannot read ${args["from-file"]}: ${(error as Error).message}`);
    }
  }
  if (args.value !== undefined && args.value !== "-") return args.value;
  if (process.stdin.isTTY) {
    throw new UsageError("secrets set: no value given", {
      hint: 'Pass it as an argument, with --from-file FILE, or on stdin: printf %s "$VALUE" | slipway secrets set NAME',
    });
  }
  // One trailing newline is what `echo` adds, not part of the secret.
  return (await readStdin()).replace(/\r?\n$/, "");
}

const set = defineCommand({
  meta: { name: "set", description: "Store a secret: VALUE, --from-file FILE, or stdin" },
  args: {
    ...globalArgs,
    ...nameArg,
    value: {
      type: "positional",
      required: false,
      description: "The value (or - for stdin)",
      valueHint: "VALUE",
    },
    "from-file": { type: "string", description: "Read the value from this file, as is", valueHint: "FILE" },
  },
  async run({ args }) {
    checkSecretName(args.name);
    const file = await secretsFile(args);
    const existed = file.has(args.name);
    file.set(args.name, await valueFrom(args));
    out(`${existed ? "Updated" : "Stored"} ${args.name} in ${file.path}`);
  },
});

const get = defineCommand({
  meta: { name: "get", description: "Print a secret's value" },
  args: { ...globalArgs, ...nameArg },
  async run({ args }) {
    checkSecretName(args.name);
    const file = await secretsFile(args);
    const value = file.get(args.name);
    if (value === undefined) {
      throw new UsageError(`no secret ${args.name} in ${file.path}`, {
        hint: file.names().length > 0 ? `It holds: ${file.names().join(", ")}` : "It holds no secrets yet.",
      });
    }
    // Straight to stdout: the CLI's output masks secret values, and printing this one is the point.
    process.stdout.write(process.stdout.isTTY ? `${value}\n` : value);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List secret names (no values; needs no key)" },
  args: { ...globalArgs },
  async run({ args }) {
    const file = await secretsFile(args);
    const names = file.names();
    if (args.json) return json({ file: file.path, names });
    if (names.length === 0) out(`No secrets in ${file.path}.`);
    for (const name of names)
      out(process.env[name] !== undefined ? `${name} (overridden by the environment)` : name);
  },
});

const rm = defineCommand({
  meta: { name: "rm", description: "Remove a secret" },
  args: { ...globalArgs, ...nameArg },
  async run({ args }) {
    checkSecretName(args.name);
    const file = await secretsFile(args);
    if (!file.remove(args.name)) throw new UsageError(`no secret ${args.name} in ${file.path}`);
    out(`Removed ${args.name} from ${file.path}`);
  },
});

export const secretsCommand = defineCommand({
  meta: { name: "secrets", description: "Manage the encrypted secrets file: set, get, list, rm" },
  subCommands: { set, get, list, rm },
});
