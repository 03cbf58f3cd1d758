/**
 * `slipway exec HOST|GROUP[,…] | --all -- CMD`: runs one command line on several servers at once (as the
 * deploy user, over the pinned-key SSH pool), at most --concurrency at a time. Output is streamed as it
 * comes, each line prefixed with its server; the exit code is the worst of them.
 */
import { defineCommand } from "citty";
import { UsageError } from "../../errors.ts";
import { prefixLines } from "../../hosts/targets.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { reachableServers } from "../host-session.ts";
import { err, out, paint } from "../output.ts";

const VALUE_FLAGS = new Set(["-c", "--config", "--concurrency"]);

/** Server names before `--` (comma-separated), skipping flags and their values; the command line after it. */
export function splitExecArgs(rawArgs: readonly string[]): { names: string[]; command: string } {
  const dash = rawArgs.indexOf("--");
  const before = dash === -1 ? rawArgs : rawArgs.slice(0, dash);
  const names: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const token = before[i]!;
    if (VALUE_FLAGS.has(token)) i++;
    else if (!token.startsWith("-")) names.push(...token.split(",").filter(Boolean));
  }
  // Joined with spaces and run by the remote shell, as ssh does: `-- 'ls | wc -l'` and `-- ls -l` both work.
  return { names, command: dash === -1 ? "" : rawArgs.slice(dash + 1).join(" ") };
}

export const execCommand = defineCommand({
  meta: { name: "exec", description: "Run a command on servers: slipway exec web -- uptime" },
  args: {
    ...globalArgs,
    host: {
      type: "positional",
      description: "Server or group, or several: web-1,db (or --all)",
      required: false,
    },
    all: { type: "boolean", description: "Every server of the stack" },
    concurrency: { type: "string", description: "Servers at once (default 5)", valueHint: "N", default: "5" },
  },
  async run({ args, rawArgs }) {
    const { names, command } = splitExecArgs(rawArgs);
    if (!command.trim())
      throw new UsageError("slipway exec: give the command after --, e.g. slipway exec web -- uptime");
    const concurrency = Number(args.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency: expected a whole number of at least 1, got "${args.concurrency}"`);
    }
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    try {
      const picked = await reachableServers(session, names, Boolean(args.all));
      const width = Math.max(...picked.map((p) => p.server.name.length));
      const codes: number[] = [];
      const queue = [...picked];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const prefix = paint("dim", `${next.server.name.padEnd(width)} | `);
          codes.push(await runOn(session, next.server.address, prefix, command));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, picked.length) }, worker));
      return Math.max(0, ...codes);
    } finally {
      await session.close();
    }
  },
});

async function runOn(
  session: Awaited<ReturnType<typeof openSession>>,
  server: string,
  prefix: string,
  command: string,
): Promise<number> {
  let pending = { out: "", err: "" };
  const sink = (stream: "out" | "err", write: (line: string) => void) => (chunk: Buffer) => {
    const { lines, rest } = prefixLines(prefix, pending[stream], chunk.toString("utf8"));
    pending = { ...pending, [stream]: rest };
    for (const line of lines) write(line);
  };
  try {
    const ssh = await session.ctx.hosts.connect({ server, user: session.stack.ssh.user });
    const code = await ssh.stream(command, { stdout: sink("out", out), stderr: sink("err", err) });
    if (pending.out) out(`${prefix}${pending.out}`);
    if (pending.err) err(`${prefix}${pending.err}`);
    if (code !== 0) err(`${prefix}${paint("red", `exit ${code}`)}`);
    return code;
  } catch (error) {
    err(`${prefix}${paint("red", error instanceof Error ? error.message : String(error))}`);
    return 255;
  }
}
