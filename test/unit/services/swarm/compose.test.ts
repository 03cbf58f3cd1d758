// Swarm service data: the compose document, the in-task health check (run for real against a local
// server through its bash fallback), the gateway config and the names Swarm gives things.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  composeFile,
  gatewayConfig,
  type SwarmComposeInput,
  secretName,
  swarmHealthTest,
} from "../../../../src/services/swarm/compose.ts";

interface ComposeService {
  deploy: Record<string, unknown>;
  labels?: unknown;
  ports?: unknown;
  secrets: Record<string, unknown>[];
  networks: unknown;
  volumes?: unknown;
  healthcheck?: Record<string, unknown>;
  stop_grace_period: string;
}
interface ComposeDoc {
  services: Record<string, ComposeService>;
  secrets?: unknown;
  networks: unknown;
  volumes?: unknown;
}
const compose = (...args: Parameters<typeof composeFile>) => composeFile(...args) as ComposeDoc;

const check = { path: "/up", interval: 1000, timeout: 2000, healthyThreshold: 2, deadline: 60_000 };
const input: SwarmComposeInput = {
  stack: "mau",
  service: "pocketbase",
  release: "abc123",
  image: "ghcr.io/mau/pb:1",
  port: 8090,
  env: { MODE: "prod" },
  secrets: { pb_admin_password: "hunter2" },
  command: ["/pb/pocketbase", "serve"],
  replicas: 2,
  healthcheck: check,
  drain: 30_000,
  memory: 512,
  mounts: ["pb-data:/pb/pb_data", "/srv/static:/static:ro"],
};

describe("composeFile", () => {
  const doc = compose(input, { pb_admin_password: "/tmp/x/secret-0" });
  const service = doc.services.pocketbase!;

  it("updates start-first, rolls back on failure and finds tasks by DNS, not the routing mesh", () => {
    expect(service.deploy).toMatchObject({
      replicas: 2,
      endpoint_mode: "dnsrr",
      labels: { "dev.slipway.release": "abc123" },
      update_config: { order: "start-first", failure_action: "rollback", parallelism: 1 },
      rollback_config: { order: "start-first" },
      resources: { limits: { memory: "512M" } },
    });
    expect(service.ports).toBeUndefined();
    expect(service.labels).toEqual({ "dev.slipway.release": "abc123" });
  });

  it("gives each secret value a name of its own, read from the file written for the deploy", () => {
    const name = secretName("mau", "pocketbase", "pb_admin_password", "hunter2");
    expect(name).toMatch(/^mau_pocketbase_pb_admin_password_[0-9a-f]{10}$/);
    expect(secretName("mau", "pocketbase", "pb_admin_password", "other")).not.toBe(name);
    expect(doc.secrets).toEqual({ secret_pb_admin_password: { name, file: "/tmp/x/secret-0" } });
    expect(service.secrets).toEqual([
      { source: "secret_pb_admin_password", target: "pb_admin_password", mode: 0o444 },
    ]);
    expect(JSON.stringify(doc)).not.toContain("hunter2");
  });

  it("makes secret files readable by the task's user only when it is given by number", () => {
    const owned = compose({ ...input, runAs: "1000:1001" }, { pb_admin_password: "/f" });
    expect(owned.services.pocketbase!.secrets[0]).toMatchObject({ uid: "1000", gid: "1001", mode: 0o400 });
  });

  it("puts the caller's labels on the service beside its release, which they cannot override", () => {
    const labelled = compose(input, { pb_admin_password: "/f" }, { a: "1", "dev.slipway.release": "x" });
    expect(labelled.services.pocketbase!.deploy.labels).toEqual({ a: "1", "dev.slipway.release": "abc123" });
  });

  it("joins the stack's overlay network and declares named volumes, not host paths", () => {
    expect(doc.networks).toEqual({ slipway: { external: true, name: "slipway-mau-swarm" } });
    expect(service.networks).toEqual(["slipway"]);
    expect(service.volumes).toEqual(["pb-data:/pb/pb_data", "/srv/static:/static:ro"]);
    expect(doc.volumes).toEqual({ "pb-data": {} });
  });

  it("counts failures only after the health deadline, and drains for the stop grace period", () => {
    expect(service.healthcheck).toMatchObject({
      interval: "1000ms",
      timeout: "2000ms",
      retries: 3,
      start_period: "60000ms",
    });
    expect(service.stop_grace_period).toBe("30000ms");
  });

  it("checks a worker without a port by nothing but its running", () => {
    const worker = compose({ ...input, port: undefined, secrets: {} }, {});
    expect(worker.services.pocketbase!.healthcheck).toBeUndefined();
    expect(worker.secrets).toBeUndefined();
  });
});

describe("swarmHealthTest", () => {
  let server: Server;
  let port = 0;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === "/up" ? status : 404;
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  // Only bash and the tools it needs on PATH, no curl or wget: the fallback a Debian slim image gets.
  const bin = mkdtempSync(join(tmpdir(), "slipway-health-"));
  for (const tool of ["sh", "bash", "head", "grep"]) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  afterAll(async () => {
    rmSync(bin, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const run = (test: string[]) =>
    new Promise<number>((resolve) => {
      execFile("/bin/sh", ["-c", test[1]!], { env: { PATH: bin } }, (error) =>
        resolve(error ? Number(error.code ?? 1) : 0),
      );
    });

  it("passes on a 2xx from the health path and fails otherwise, with neither curl nor wget", async () => {
    const test = swarmHealthTest(check, port)!;
    expect(test[0]).toBe("CMD-SHELL");
    status = 200;
    expect(await run(test)).toBe(0);
    status = 503;
    expect(await run(test)).not.toBe(0);
    expect(await run(swarmHealthTest({ ...check, path: "/missing" }, port)!)).not.toBe(0);
  });

  it("runs the stack's command instead when it gives one", () => {
    expect(swarmHealthTest({ ...check, command: ["pb", "health"] }, 8090)).toEqual(["CMD", "pb", "health"]);
    expect(swarmHealthTest(check, undefined)).toBeNull();
  });
});

describe("gatewayConfig", () => {
  it("proxies to every task found in Swarm's DNS, refreshed each second, retrying refused dials", () => {
    type Gateway = {
      apps: {
        http: { servers: { gateway: { routes: { handle: Record<string, { try_duration?: string }>[] }[] } } };
      };
    };
    const handler = (gatewayConfig("mau", "pocketbase", 8090) as Gateway).apps.http.servers.gateway.routes[0]!
      .handle[0]!;
    expect(handler.dynamic_upstreams).toEqual({
      source: "a",
      name: "tasks.mau_pocketbase",
      port: "8090",
      refresh: "1s",
    });
    expect(handler.load_balancing?.try_duration).toBe("10s");
  });
});
