/**
 * `slipway logs SERVICE [-f] [--since D] [--tail N]`: the service's container logs from every server
 * that runs it, at once, each line prefixed by its server (and container, when a server runs several
 * replicas), JSON lines made readable. With -f, lines from all servers interleave as they come.
 */
import { defineCommand } from "citty";
import { UsageError } from "../../errors.ts";
import { asRoot } from "../../hosts/connector.ts";
import { NO_CONTAINER, serviceLogs } from "../../insight/logs/commands.ts";
import { formatLogLine, parseLogLine } from "../../insight/logs/format.ts";
import { openSession, type Session } from "../../stack/session.ts";
import { closest } from "../../util/closest.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { reachableServers } from "../host-session.ts";
import { err, out, paint, warn } from "../output.ts";

const COLORS = ["cyan", "magenta", "yellow", "green", "blue"] as const;

export const logsCommand = defineCommand({
  meta: { name: "logs", description: "Show a service's logs from every server that runs it" },
  args: {
    ...globalArgs,
    service: { type: "positional", required: true, description: "Service name" },
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines" },
    since: { type: "string", description: 'Only lines since, e.g. "10m" or a timestamp', valueHint: "WHEN" },
    tail: { type: "string", description: "Last N lines per container", valueHint: "N" },
  },
  async run({ args }) {
    const tail = args.tail === undefined ? undefined : Number(args.tail);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
      throw new UsageError(`--tail: expected a whole number such as 100, got "${args.tail}"`);
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    try {
      const service = session.stack.services[args.service];
      if (!service) {
        const known = Object.keys(session.stack.services);
        const guess = closest(args.service, known);
        throw new UsageError(
          `no service "${args.service}" in ${session.stack.name}${guess ? `; did you mean "${guess}"?` : ""}`,
          { hint: `Services: ${known.join(", ") || "(none)"}.` },
        );
      }
      const picked = await reachableServers(session, service.servers, false);
      const showContainer = service.replicas > 1;
      const width = Math.max(...picked.map((p) => p.server.name.length));
      const argv = serviceLogs(session.stack.name, args.service, {
        follow: Boolean(args.follow),
        since: args.since,
        tail,
      });
      const codes = await Promise.all(
        picked.map((p, i) =>
          streamFrom(session, p.server.address, p.server.name, argv, {
            width,
            showContainer,
            color: COLORS[i % COLORS.length]!,
          }),
        ),
      );
      const missing = codes.filter((c) => c === NO_CONTAINER).length;
      if (missing === picked.length) {
        warn(`no server runs a container of ${args.service} yet; deploy it with slipway up`);
        return 1;
      }
      return codes.some((c) => c !== 0 && c !== NO_CONTAINER) ? 1 : 0;
    } finally {
      await session.close();
    }
  },
});

async function streamFrom(
  session: Session,
  address: string,
  host: string,
  argv: readonly string[],
  style: { width: number; showContainer: boolean; color: (typeof COLORS)[number] },
): Promise<number> {
  let pending = "";
  const print = (raw: string) => {
    const line = formatLogLine(parseLogLine(host, raw), style);
    out(`${paint(style.color, line.prefix)} ${line.text}`);
  };
  try {
    const ssh = await session.ctx.hosts.connect({ server: address, user: session.stack.ssh.user });
    const code = await ssh.stream(asRoot(session.stack.ssh.user, argv), {
      stdout: (chunk) => {
        const parts = (pending + chunk.toString("utf8")).split("\n");
        pending = parts.pop() ?? "";
        for (const raw of parts) print(raw);
      },
      stderr: (chunk) => {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
          err(`${paint("dim", `${host} |`)} ${line}`);
      },
    });
    if (pending) print(pending);
    return code;
  } catch (error) {
    err(`${paint("red", `${host} |`)} ${error instanceof Error ? error.message : String(error)}`);
    return 255;
  }
}
