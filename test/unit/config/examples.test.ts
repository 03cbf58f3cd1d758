/**
 * Every example stack loads through the real loader and validates, and says what its seed says: a
 * few facts per seed, so a schema change that quietly drops one of them fails here.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack, type Stack } from "../../../src/config/index.ts";

const examples = join(import.meta.dirname, "../../../examples");
const load = async (name: string, environment?: string): Promise<Stack> =>
  (await loadStack(join(examples, name, "slipway.config.ts"), environment ? { environment } : {})).stack;

describe("examples", () => {
  const names = readdirSync(examples).filter((name) => existsSync(join(examples, name, "slipway.config.ts")));

  it("include hello and the four seeds", () => {
    expect(names).toEqual(expect.arrayContaining(["hello", "mau", "tux", "isntgram", "mandari"]));
  });

  it.each(names)("%s loads and validates", async (name) => {
    const stack = await load(name);
    expect(stack.name).toBe(name);
    for (const environment of Object.keys(stack.environments)) {
      expect((await load(name, environment)).name).toBe(`${name}-${environment}`);
    }
  });

  it("hello builds one service from ./app behind Caddy", async () => {
    const stack = await load("hello");
    expect(stack.services.web).toMatchObject({
      build: { context: "./app", dockerfile: "Dockerfile", args: {} },
      domains: ["hello.slipway.test"],
      healthcheck: { path: "/health", interval: 1000, timeout: 2000, healthyThreshold: 2, deadline: 60000 },
      env: { GREETING: "Hello from slipway" },
    });
  });

  it("mau: PocketBase on Swarm with Docker secrets, Cloudflare-only origin, backups and Dozzle", async () => {
    const stack = await load("mau");
    expect(Object.values(stack.servers).map((s) => s.count)).toEqual([1]);
    expect(stack.services.pocketbase).toMatchObject({
      runtime: "swarm",
      secrets: { pb_admin_password: { secret: "PB_ADMIN_PASSWORD" } },
    });
    expect(stack.firewalls.edge!.rules.find((rule) => rule.port === "443")?.sources).toEqual(["cloudflare"]);
    expect(stack.dns?.records.every((record) => record.proxied)).toBe(true);
    expect(stack.backups.pocketbase).toMatchObject({
      tool: "restic",
      service: "pocketbase",
      bucket: "backups",
    });
    expect(stack.logs.dozzle?.domain).toBe("logs.mau.example.com");
    expect(stack.ci).toMatchObject({ ignorePaths: ["docs/**", "**/*.md"], applyInfrastructure: true });
  });

  it("tux: balancer → two web nodes, Postgres with a replica, Redis, bastion, subnets, staging", async () => {
    const stack = await load("tux");
    expect(stack.servers.web).toMatchObject({
      count: 2,
      networks: { main: { subnet: "private", ips: ["10.0.2.10", "10.0.2.11"] } },
    });
    expect(stack.loadBalancers.main).toMatchObject({ ip: "10.0.1.10", targets: ["web"], network: "main" });
    expect(stack.ssh.bastion).toBe("bastion");
    expect(stack.accessories.db).toMatchObject({ type: "postgres", replicas: ["db-replica"], ssl: true });
    expect(stack.accessories.cache).toMatchObject({ type: "redis", network: "main" });
    expect(stack.monitoring?.server).toBe("monitor");
    expect(stack.ci?.deploy).toEqual([
      { environment: "staging", approval: false },
      { environment: "production", approval: true },
    ]);
    const staging = await load("tux", "staging");
    expect(staging.servers.web!.count).toBe(1);
    expect(staging.servers["db-replica"]).toBeUndefined();
    expect(staging.services.static!.domains).toEqual(["staging.tux.example.com"]);
  });

  it("isntgram: GHCR with three tag kinds, external database, path routing, gated CI with scans", async () => {
    const stack = await load("isntgram");
    expect(stack.registry).toMatchObject({ server: "ghcr.io", namespace: "acme/isntgram" });
    expect(stack.accessories).toEqual({});
    expect(stack.services.api).toMatchObject({ pathPrefix: "/api", domains: ["isntgram.example.com"] });
    expect(stack.services.api!.env.DATABASE_URL).toEqual({ secret: "DATABASE_URL" });
    expect(stack.ci).toMatchObject({
      scans: ["codeql", "gitleaks", "trivy"],
      imageTags: ["latest", "sha", "env-version"],
      deploy: [{ environment: "production", approval: true }],
    });
  });

  it("mandari: balancer → master and replica, ingestor on master only, replicated data, 2 × 50 GB", async () => {
    const stack = await load("mandari");
    expect(stack.loadBalancers.main!.targets).toEqual(["master", "replica"]);
    expect(stack.services.ingestor!.servers).toEqual(["master"]);
    expect(stack.services.api!.servers).toEqual(["master", "replica"]);
    expect(stack.accessories.db).toMatchObject({
      server: "master",
      replicas: ["replica"],
      ssl: true,
      volume: "data",
    });
    expect(stack.accessories.cache).toMatchObject({ server: "master", replicas: ["replica"] });
    expect(stack.volumes.data).toMatchObject({ size: 50, servers: ["master", "replica"] });
    expect(stack.hosts).toMatchObject({ ufw: { enabled: true }, fail2ban: { enabled: true } });
    expect(stack.backups.db).toMatchObject({ tool: "pgbackrest" });
  });
});
