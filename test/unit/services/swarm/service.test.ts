// service.swarm: when a deploy has ended (well or not) from what Swarm reports, what a plan shows, and
// the checks on a stack's swarm services.
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../../src/config/index.ts";
import {
  diffSwarmService,
  type ObservedSwarmService,
  type SwarmServiceInput,
  swarmComposition,
  swarmReleaseId,
} from "../../../../src/services/swarm/service.ts";
import { parseTasks, type SwarmService, swarmOutcome } from "../../../../src/services/swarm/wait.ts";
import { swarmServiceNode } from "../../../../src/stack/swarm-nodes.ts";
import { withStack } from "../../config/helpers.ts";

const service = (release: string, update?: SwarmService["UpdateStatus"]): SwarmService => ({
  Spec: { Labels: { "dev.slipway.release": release }, Mode: { Replicated: { Replicas: 2 } } },
  UpdateStatus: update,
});

describe("swarmOutcome", () => {
  const running = parseTasks("r2 running\nr2 running\n");

  it("waits while Swarm updates or rolls back", () => {
    expect(
      swarmOutcome(service("r2", { State: "updating", StartedAt: "t2" }), running, "r2", "t1").kind,
    ).toBe("waiting");
    expect(
      swarmOutcome(service("r1", { State: "rollback_started", StartedAt: "t2" }), running, "r2", "t1").kind,
    ).toBe("waiting");
  });

  it("is done when every wanted task runs the new release and passes its check", () => {
    expect(swarmOutcome(service("r2", { State: "completed", StartedAt: "t2" }), running, "r2", "t1")).toEqual(
      {
        kind: "ok",
      },
    );
  });

  it("waits for tasks still starting (not yet healthy) or of the old release", () => {
    const starting = parseTasks("r2 starting\nr2 running\n");
    expect(swarmOutcome(service("r2"), starting, "r2", undefined)).toMatchObject({
      kind: "waiting",
      why: "1 of 2 tasks of r2 running and healthy",
    });
    const old = parseTasks("r1 running\nr2 running\n");
    expect(swarmOutcome(service("r2", { State: "completed", StartedAt: "t1" }), old, "r2", "t1").kind).toBe(
      "waiting",
    );
  });

  it("has failed when Swarm rolled the spec back, or paused this update", () => {
    const rolledBack = service("r1", {
      State: "rollback_completed",
      StartedAt: "t2",
      Message: "rollback completed",
    });
    expect(swarmOutcome(rolledBack, running, "r2", "t1")).toEqual({
      kind: "failed",
      detail: "Swarm says: rollback completed",
    });
    const paused = service("r2", { State: "paused", StartedAt: "t2", Message: "update paused" });
    expect(swarmOutcome(paused, running, "r2", "t1").kind).toBe("failed");
    // A pause left over from an earlier update is not this deploy's failure.
    expect(swarmOutcome(paused, running, "r2", "t2").kind).toBe("ok");
  });
});

const want: SwarmServiceInput = {
  server: "hetzner.server.app",
  user: "deploy",
  stack: "mau",
  service: "web",
  release: "r2",
  image: "web:2",
  port: 8080,
  env: { MODE: "b", TOKEN: "t0ken" },
  secretKeys: ["TOKEN"],
  secrets: { api_key: "k2" },
  replicas: 2,
  healthcheck: { path: "/up", interval: 1000, timeout: 2000, healthyThreshold: 2, deadline: 60_000 },
  drain: 30_000,
  mounts: [],
  domains: ["mau.example"],
  securityHeaders: true,
  gateways: [{ server: "hetzner.server.app", user: "deploy" }],
  proxyImage: "caddy:2",
};

describe("diffSwarmService", () => {
  const have = (): ObservedSwarmService => ({
    server: want.server,
    user: "deploy",
    stack: "mau",
    service: "web",
    release: "r1",
    spec: swarmComposition({
      ...want,
      image: "web:1",
      env: { MODE: "a", TOKEN: "old" },
      secrets: { api_key: "k1" },
    }),
    replicas: 2,
    previousRelease: null,
    healthyTasks: 2,
    gateways: [],
  });

  it("names what the new release changes, secrets only as (sensitive) changes", () => {
    const changes = diffSwarmService(want, have());
    expect(changes.map((c) => c.path)).toEqual([
      "release",
      "image",
      "env.MODE",
      "env.TOKEN",
      "secrets.api_key",
      "gateway@hetzner.server.app",
      "route@hetzner.server.app",
    ]);
    expect(changes.find((c) => c.path === "secrets.api_key")?.sensitive).toBe(true);
    expect(JSON.stringify(changes)).not.toContain("k2");
  });

  it("is in sync when the release runs and the gateway and route are in place", () => {
    const first = diffSwarmService(want, { ...have(), release: "r2" });
    const gateway = first.find((c) => c.path.startsWith("gateway@"))!.to as string;
    const route = first.find((c) => c.path.startsWith("route@"))!.to;
    const synced = {
      ...have(),
      release: "r2",
      gateways: [{ server: want.server, running: true, config: gateway, route }],
    };
    expect(diffSwarmService(want, synced)).toEqual([]);
    const stopped = { ...synced, gateways: [{ ...synced.gateways[0]!, running: false }] };
    expect(diffSwarmService(want, stopped).map((c) => c.path)).toEqual(["gateway@hetzner.server.app"]);
  });

  it("gives every change of what makes the tasks a new release id, and nothing else one", () => {
    const base = swarmReleaseId(want);
    expect(swarmReleaseId({ ...want })).toBe(base);
    expect(swarmReleaseId({ ...want, secrets: { api_key: "k3" } })).not.toBe(base);
    expect(swarmReleaseId({ ...want, replicas: 3 })).not.toBe(base);
    expect(swarmReleaseId({ ...want, domains: ["other.example"] } as SwarmServiceInput)).toBe(base);
  });
});

describe("swarmServiceNode", () => {
  const stack = (services: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    parseStack(
      withStack({
        servers: { app: { type: "cx22", image: "debian-12", count: 2, networks: { main: {} } } },
        networks: { main: { ipRange: "10.0.0.0/16" } },
        services,
        ...extra,
      }),
    );
  const node = (s: ReturnType<typeof stack>, build = false) =>
    swarmServiceNode({
      stack: s,
      serviceName: "web",
      service: s.services.web!,
      instances: [
        { name: "app-1", address: "hetzner.server.app-1" },
        { name: "app-2", address: "hetzner.server.app-2" },
      ],
      env: { values: {}, secretKeys: [] },
      secretFiles: {},
      image: "web:1",
      build: build ? { context: "/app", dockerfile: "Dockerfile", args: {} } : undefined,
      dependsOn: [],
    });
  const web = {
    image: "web:1",
    servers: ["app"],
    port: 8080,
    domains: ["a.example"],
    runtime: "swarm",
    replicas: 2,
  };

  it("runs on the manager once every member joined, with replicas per server", () => {
    const n = node(stack({ web }));
    expect(n.hostedOn).toBe("hetzner.server.app-1");
    expect(n.dependsOn).toEqual(["host.swarm.app-1", "host.swarm.app-2"]);
    expect((n.input as SwarmServiceInput).replicas).toBe(4);
    expect((n.input as SwarmServiceInput).gateways.map((g) => g.server)).toEqual([
      "hetzner.server.app-1",
      "hetzner.server.app-2",
    ]);
  });

  it("refuses a built image on several servers without a registry, and hooks", () => {
    expect(() => node(stack({ web }), true)).toThrow(
      /services\.web\.build: a swarm service on 2 servers needs a registry/,
    );
    const hooked = stack({ web: { ...web, hooks: { preDeploy: ["migrate"] } } });
    expect(() => node(hooked)).toThrow(/services\.web\.hooks/);
  });
});
