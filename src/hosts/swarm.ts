/**
 * host.swarm: Docker Swarm membership for the servers that run `runtime: "swarm"` services. The first
 * of them initialises the swarm and is its manager; the others join as workers with a join token read
 * from the manager at apply time (never stored). Nodes talk over the private network when the servers
 * share one (its address is advertised), else over their public addresses. Leaving is `swarm leave`.
 */
import { type Change, change, type ResourceKind } from "../engine/resource.ts";
import { asRoot, type HostConnector, type HostRef } from "./connector.ts";
import { WAIT_FOR_CLOUD_INIT } from "./docker-engine.ts";

export interface SwarmInput extends HostRef {
  role: "manager" | "worker";
  /** The hetzner.server address of the manager (itself, for the manager). */
  manager: string;
}

export interface ObservedSwarm extends HostRef {
  /** "manager", "worker", or "none" when the engine is in no swarm. */
  role: "manager" | "worker" | "none";
}

type Ctx = { hosts: HostConnector };

export const SWARM_PROBE = [
  "docker",
  "info",
  "--format",
  "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}",
];

/** Reads `docker info`'s swarm line: "active true" is a manager, "active false" a worker. */
export function swarmRole(line: string): ObservedSwarm["role"] {
  const [state, control] = line.trim().split(/\s+/);
  if (state !== "active") return "none";
  return control === "true" ? "manager" : "worker";
}

export function swarmInit(advertise: string | undefined): string[] {
  return ["docker", "swarm", "init", ...(advertise ? ["--advertise-addr", advertise] : [])];
}

export function swarmJoin(token: string, manager: string, advertise: string | undefined): string[] {
  return [
    "docker",
    "swarm",
    "join",
    "--token",
    token,
    ...(advertise ? ["--advertise-addr", advertise] : []),
    `${manager}:2377`,
  ];
}

async function probe(ctx: Ctx, want: HostRef): Promise<ObservedSwarm | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const line = await ssh.run(asRoot(want.user, SWARM_PROBE), "reading the swarm state");
  return { server: want.server, user: want.user, role: swarmRole(line) };
}

/** The address other swarm nodes reach this server at: private when it has one. */
function privateAddress(ctx: Ctx, server: string): string | undefined {
  return ctx.hosts.server({ server, user: "" })?.privateIps?.[0];
}

export function diffSwarm(want: SwarmInput, have: ObservedSwarm): Change[] {
  return change("swarm", have.role === "none" ? "not in a swarm" : have.role, want.role);
}

export const swarm: ResourceKind<SwarmInput, ObservedSwarm, Ctx> = {
  kind: "host.swarm",
  id: (observed) => observed.server,
  read: (ctx, _id, want) => probe(ctx, want),
  find: (ctx, want) => probe(ctx, want),
  diff: diffSwarm,
  describe: (want) => ({ server: want.server, role: want.role, manager: want.manager }),

  create: (ctx, want) =>
    ctx.hosts.exclusive(want, async () => {
      const ssh = await ctx.hosts.connect(want);
      await ssh.run(WAIT_FOR_CLOUD_INIT, "waiting for cloud-init to finish");
      const have = await probe(ctx, want);
      if (have && have.role !== "none" && have.role !== want.role) {
        throw new Error(
          `${ssh.target.name} is a swarm ${have.role}, not a ${want.role}; slipway does not change a node's role`,
        );
      }
      if (have?.role === want.role) return have;
      const advertise = privateAddress(ctx, want.server);
      if (want.role === "manager") {
        await ssh.run(asRoot(want.user, swarmInit(advertise)), "initialising the swarm");
      } else {
        const manager = await ctx.hosts.connect({ server: want.manager, user: want.user });
        const token = (
          await manager.run(
            asRoot(want.user, ["docker", "swarm", "join-token", "-q", "worker"]),
            "reading the join token",
          )
        ).trim();
        const address =
          privateAddress(ctx, want.manager) ??
          ctx.hosts.server({ server: want.manager, user: want.user })?.ipv4;
        if (!address) throw new Error(`the swarm manager ${want.manager} has no address to join at`);
        await ssh.run(
          asRoot(want.user, swarmJoin(token, address, advertise)),
          `joining the swarm at ${address}`,
        );
      }
      const now = await probe(ctx, want);
      if (now?.role !== want.role) throw new Error(`${ssh.target.name} did not become a swarm ${want.role}`);
      return now;
    }),

  update: (ctx, _have, want) => swarm.create(ctx, want),

  async delete(ctx, have) {
    if (!ctx.hosts.server(have)) return;
    const ssh = await ctx.hosts.connect(have);
    await ssh.run(
      `${asRoot(have.user, ["docker", "swarm", "leave", "--force"])} || true`,
      "leaving the swarm",
    );
  },
};
