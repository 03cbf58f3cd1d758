/**
 * `slipway sandbox fault api|kill|stop|partition|heal|list`: make the sandbox misbehave on purpose, the
 * way real clouds do, to test retries, health gates and failover.
 */
import { defineCommand } from "citty";
import { UsageError } from "../../errors.ts";
import {
  findServer,
  heal,
  killServer,
  partitionServers,
  type SandboxServer,
  setApiFault,
  stopServer,
} from "../../sandbox/faults/inject.ts";
import {
  describeFaults,
  FAULT_SERVICES,
  FAULT_STATUSES,
  type FaultService,
} from "../../sandbox/faults/plan.ts";
import { readFaultPlan } from "../../sandbox/faults/store.ts";
import { currentSandbox } from "../../sandbox/lifecycle.ts";
import { globalArgs } from "../args.ts";
import { json, out } from "../output.ts";

function parseService(value: unknown): FaultService {
  const service = String(value ?? "");
  if ((FAULT_SERVICES as readonly string[]).includes(service)) return service as FaultService;
  throw new UsageError(`unknown API "${service}"`, { hint: `Choose one of: ${FAULT_SERVICES.join(", ")}.` });
}

function parseRate(value: unknown): number {
  if (value === undefined) return 0;
  const text = String(value).trim();
  const rate = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new UsageError(`--error-rate ${text}: expected a share between 0 and 1, or a percentage`, {
      hint: "For example --error-rate 0.2 or --error-rate 20%.",
    });
  }
  return rate;
}

function parseLatency(value: unknown): number {
  if (value === undefined) return 0;
  const text = String(value).trim();
  const match = /^(\d+)(ms|s)?$/.exec(text);
  const ms = match ? Number(match[1]) * (match[2] === "s" ? 1000 : 1) : Number.NaN;
  if (!Number.isFinite(ms) || ms > 120_000) {
    throw new UsageError(`--latency ${text}: expected a duration up to 120s`, {
      hint: "For example --latency 500ms or --latency 2s.",
    });
  }
  return ms;
}

function parseStatus(value: unknown): (typeof FAULT_STATUSES)[number] {
  if (value === undefined) return 503;
  const status = Number(value);
  const known = FAULT_STATUSES.find((s) => s === status);
  if (known === undefined) {
    throw new UsageError(`--status ${String(value)}: not a status an API fault can answer with`, {
      hint: `Choose one of: ${FAULT_STATUSES.join(", ")}.`,
    });
  }
  return known;
}

function printPlan(lines: string[]): void {
  out(lines.length > 0 ? lines.join("\n") : "No faults: the sandbox behaves.");
}

const api = defineCommand({
  meta: { name: "api", description: "Fail or slow down requests to one API (0 and 0 clear it)" },
  args: {
    ...globalArgs,
    service: { type: "positional", description: `One of ${FAULT_SERVICES.join(", ")}`, required: true },
    "error-rate": { type: "string", description: "Share of requests that fail, e.g. 0.2 or 20%" },
    latency: { type: "string", description: "Delay added to every request, e.g. 500ms" },
    status: {
      type: "string",
      description: `Status of failed requests (${FAULT_STATUSES.join(", ")}; default 503)`,
    },
  },
  run({ args }) {
    const service = parseService(args.service);
    const fault = {
      errorRate: parseRate(args["error-rate"]),
      latencyMs: parseLatency(args.latency),
      status: parseStatus(args.status),
    };
    const plan = setApiFault(currentSandbox(), service, fault);
    if (args.json) return json(plan);
    printPlan(describeFaults(plan));
  },
});

const serverArg = { type: "positional", description: "Server name (or id)", required: true } as const;

/** `kill` and `stop`: the same lookup and message around a different way for the machine to go down. */
function serverFault(
  name: string,
  description: string,
  act: (server: SandboxServer) => Promise<void>,
  what: string,
) {
  return defineCommand({
    meta: { name, description },
    args: { ...globalArgs, server: serverArg },
    async run({ args }) {
      const server = await findServer(String(args.server));
      await act(server);
      out(
        `${server.name} ${what}. Power it on again with the Hetzner API (hcloud server poweron ${server.name}).`,
      );
    },
  });
}

const kill = serverFault("kill", "Crash a server: SIGKILL to all its processes", killServer, "crashed");
const stop = serverFault(
  "stop",
  "Stop a server behind the API's back (clean shutdown)",
  stopServer,
  "stopped",
);

const partition = defineCommand({
  meta: { name: "partition", description: "Drop every packet between two servers" },
  args: {
    ...globalArgs,
    a: { type: "positional", description: "First server", required: true },
    b: { type: "positional", description: "Second server", required: true },
  },
  async run({ args }) {
    const [a, b] = [await findServer(String(args.a)), await findServer(String(args.b))];
    const plan = await partitionServers(currentSandbox(), a, b);
    if (args.json) return json(plan);
    out(`${a.name} and ${b.name} can no longer reach each other. slipway sandbox fault heal ends it.`);
  },
});

const healCommand = defineCommand({
  meta: { name: "heal", description: "Clear every API fault and partition" },
  args: { ...globalArgs },
  async run({ args }) {
    const { plan } = await heal(currentSandbox());
    if (args.json) return json({ healed: describeFaults(plan) });
    const healed = describeFaults(plan);
    out(healed.length > 0 ? `Healed:\n  ${healed.join("\n  ")}` : "There were no faults.");
  },
});

const list = defineCommand({
  meta: { name: "list", description: "Show the faults in effect" },
  args: { ...globalArgs },
  run({ args }) {
    const plan = readFaultPlan(currentSandbox().faults);
    if (args.json) return json(plan);
    printPlan(describeFaults(plan));
  },
});

export const faultCommand = defineCommand({
  meta: { name: "fault", description: "Inject faults: API errors and latency, crashed servers, partitions" },
  subCommands: { api, kill, stop, partition, heal: healCommand, list },
});
