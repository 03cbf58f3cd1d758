// host.swarm: reading a node's role, the init/join argv, and which server manages.
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import { hostNodes } from "../../../src/hosts/host-nodes.ts";
import { diffSwarm, swarmInit, swarmJoin, swarmRole } from "../../../src/hosts/swarm.ts";
import { withStack } from "../config/helpers.ts";

describe("swarmRole", () => {
  it.each([
    ["active true\n", "manager"],
    ["active false", "worker"],
    ["inactive false", "none"],
    ["pending false", "none"],
  ] as const)("reads %j as %s", (line, role) => {
    expect(swarmRole(line)).toBe(role);
  });
});

describe("swarm argv", () => {
  it("advertises the private address when there is one", () => {
    expect(swarmInit("10.0.1.2")).toEqual(["docker", "swarm", "init", "--advertise-addr", "10.0.1.2"]);
    expect(swarmInit(undefined)).toEqual(["docker", "swarm", "init"]);
    expect(swarmJoin("SWMTKN-1-x", "10.0.1.2", "10.0.1.3")).toEqual([
      "docker",
      "swarm",
      "join",
      "--token",
      "SWMTKN-1-x",
      "--advertise-addr",
      "10.0.1.3",
      "10.0.1.2:2377",
    ]);
  });

  it("names a host that left or never joined", () => {
    const want = { server: "s", user: "deploy", role: "worker" as const, manager: "m" };
    expect(diffSwarm(want, { server: "s", user: "deploy", role: "none" })).toEqual([
      { path: "swarm", from: "not in a swarm", to: "worker", forcesReplace: false },
    ]);
  });
});

describe("swarm nodes", () => {
  const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx8Pf1ZzV3L0r4I9YwqXg0Jm0oKcFq1QmTn0vXb1Uh2 slipway";
  const swarmStack = (networks: boolean) =>
    parseStack(
      withStack({
        ...(networks ? { networks: { main: { ipRange: "10.0.0.0/16" } } } : {}),
        servers: {
          app: { type: "cx22", image: "debian-12", count: 2, ...(networks ? { networks: ["main"] } : {}) },
        },
        services: { api: { image: "nginx:1", servers: ["app"], runtime: "swarm", port: 80 } },
      }),
    );
  const nodesOf = (stack: ReturnType<typeof swarmStack>, name: string) =>
    hostNodes({ stack, group: "app", name, server: `hetzner.server.${name}`, publicKey: KEY });

  it("makes the first server the manager and has the others join it", () => {
    const stack = swarmStack(true);
    const manager = nodesOf(stack, "app-1").find((n) => n.kind.kind === "host.swarm")!;
    const worker = nodesOf(stack, "app-2").find((n) => n.kind.kind === "host.swarm")!;
    expect(manager.input).toMatchObject({ role: "manager", manager: "hetzner.server.app-1" });
    expect(worker.input).toMatchObject({ role: "worker", manager: "hetzner.server.app-1" });
    expect(worker.dependsOn).toEqual(["hetzner.server.app-2", "host.docker.app-2", "host.swarm.app-1"]);
  });

  it("refuses a swarm across servers that share no private network", () => {
    expect(() => nodesOf(swarmStack(false), "app-1")).toThrow(
      "servers: the Swarm services run on 2 servers (groups app) that share no private network",
    );
  });
});
