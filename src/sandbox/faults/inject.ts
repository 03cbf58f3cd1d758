/**
 * The effects behind `slipway sandbox fault`: edits of the fault plan, and the Docker and iptables work
 * for server faults. Servers are named as the Hetzner API names them (or by id) and looked up through
 * the sandbox's own API, so a typo gets the list of servers that exist.
 */
import { existsSync } from "node:fs";
import { UserError } from "../../errors.ts";
import { createHetznerClient } from "../../providers/hetzner/client.ts";
import { ensure } from "../../providers/hetzner/errors.ts";
import { listAll } from "../../providers/hetzner/pagination.ts";
import { closest } from "../../util/closest.ts";
import { docker, inspectFormat } from "../docker.ts";
import { API_HOST, HETZNER_API_PORT, HETZNER_TOKEN, type SandboxFiles } from "../layout.ts";
import { vmContainerName } from "../vm/docker-machine-driver.ts";
import { containerAddresses, installRules, partitionRules, removeFaultRules } from "./partition.ts";
import { type ApiFault, emptyFaultPlan, type FaultPlan, type FaultService, partitionKey } from "./plan.ts";
import { readFaultPlan, writeFaultPlan } from "./store.ts";

export interface SandboxServer {
  id: number;
  name: string;
  container: string;
}

export async function findServer(ref: string): Promise<SandboxServer> {
  const hetzner = createHetznerClient({
    endpoint: `http://${API_HOST}:${HETZNER_API_PORT}/v1`,
    token: HETZNER_TOKEN,
  });
  const servers = await listAll((page) =>
    hetzner.GET("/servers", { params: { query: { page, per_page: 50 } } }).then((r) => {
      const body = ensure(r, "list the sandbox's servers");
      return { items: body.servers, nextPage: body.meta.pagination.next_page };
    }),
  );
  const match = servers.find((s) => s.name === ref || String(s.id) === ref);
  if (!match) {
    const names = servers.map((s) => s.name);
    const guess = closest(ref, names);
    throw new UserError(`the sandbox has no server named ${ref}${guess ? `; did you mean ${guess}?` : ""}`, {
      hint: names.length > 0 ? `Servers: ${names.join(", ")}` : "The sandbox has no servers yet.",
    });
  }
  const container = vmContainerName(match.id);
  if ((await inspectFormat(container, "{{.Id}}")) === null) {
    throw new UserError(
      `server ${match.name} (id ${match.id}) has no machine: its container ${container} is gone`,
    );
  }
  return { id: match.id, name: match.name, container };
}

function editPlan(files: SandboxFiles, edit: (plan: FaultPlan) => void): FaultPlan {
  const plan = readFaultPlan(files.faults);
  edit(plan);
  writeFaultPlan(files.faults, plan);
  return plan;
}

export function setApiFault(files: SandboxFiles, service: FaultService, fault: ApiFault | null): FaultPlan {
  return editPlan(files, (plan) => {
    if (fault && (fault.errorRate > 0 || fault.latencyMs > 0)) plan.api[service] = fault;
    else delete plan.api[service];
  });
}

/** SIGKILL to every process of the machine at once: a crash, not a shutdown. */
export async function killServer(server: SandboxServer): Promise<void> {
  await docker(["kill", "--signal", "KILL", server.container]);
}

/** A clean stop behind the API's back, as when the host under a VM is taken down for maintenance. */
export async function stopServer(server: SandboxServer): Promise<void> {
  await docker(["stop", "--time", "10", server.container]);
}

export async function partitionServers(
  files: SandboxFiles,
  a: SandboxServer,
  b: SandboxServer,
): Promise<FaultPlan> {
  if (a.id === b.id) throw new UserError("a partition needs two different servers");
  const rules = partitionRules(await containerAddresses(a.container), await containerAddresses(b.container));
  await installRules(rules);
  const servers = partitionKey(a.name, b.name);
  return editPlan(files, (plan) => {
    plan.partitions = plan.partitions.filter((p) => p.servers.join() !== servers.join());
    plan.partitions.push({ servers, rules });
  });
}

/** Clears API faults and partitions. Servers that were killed or stopped stay off, as they would. */
export async function heal(files: SandboxFiles): Promise<{ removedRules: number; plan: FaultPlan }> {
  let before: FaultPlan;
  try {
    before = readFaultPlan(files.faults);
  } catch {
    before = emptyFaultPlan(); // unreadable: the comment sweep below still finds its rules
  }
  const removedRules = await removeFaultRules(before.partitions.flatMap((p) => p.rules));
  if (existsSync(files.faults)) writeFaultPlan(files.faults, emptyFaultPlan());
  return { removedRules, plan: before };
}
