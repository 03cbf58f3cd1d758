// Accessories as data: container argv, the graph nodes built from a stack, connection strings for
// the services that depend on them, and the errors for what this version cannot run.
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import { accessoryHealth, accessorySpec } from "../../../src/services/accessory.ts";
import { accessoryGraph, withAccessories } from "../../../src/services/accessory-nodes.ts";
import { runAccessory } from "../../../src/services/commands/accessories.ts";
import { SecretResolver } from "../../../src/stack/secrets.ts";

const stack = (accessories: Record<string, unknown>, servers: string[] = ["web"]) =>
  parseStack({
    name: "shop",
    servers: { web: { type: "cx22", image: "debian-12" }, other: { type: "cx22", image: "debian-12" } },
    services: {
      web: { image: "ghcr.io/acme/web:1.2", servers, port: 8080, dependsOn: Object.keys(accessories) },
    },
    accessories,
  });
const engineOf = (group: string) => ({ server: `hetzner.server.${group}`, engine: `host.docker.${group}` });
const secrets = () => new SecretResolver({ DB_PASSWORD: "p@ss word", CACHE_PASSWORD: "c" });

describe("runAccessory", () => {
  it("runs on the stack network under its name, with a named volume and no published port", () => {
    // biome-ignore format: one flag and its value per line
    expect(runAccessory({
      stack: "shop", name: "db", image: "slipway/shop-postgres:abc", network: "slipway-shop",
      dataPath: "/var/lib/postgresql/data", envFile: "/etc/slipway/env/shop-db.env", args: ["-c", "max_connections=50"], spec: "h1",
    })).toEqual([
      "docker", "run", "--detach", "--init",
      "--name", "shop-db",
      "--network", "slipway-shop",
      "--network-alias", "db",
      "--restart", "unless-stopped",
      "--volume", "slipway-shop-db:/var/lib/postgresql/data",
      "--env-file", "/etc/slipway/env/shop-db.env",
      "--label", "dev.slipway.stack=shop",
      "--label", "dev.slipway.accessory=db",
      "--label", "dev.slipway.accessory-spec=h1",
      "--log-opt", "max-size=10m",
      "--log-opt", "max-file=3",
      "slipway/shop-postgres:abc",
      "-c", "max_connections=50",
    ]);
  });
});

describe("accessoryGraph", () => {
  it("builds Postgres and Redis from Debian on the server and links them to the services that need them", async () => {
    const graph = await accessoryGraph(
      stack({
        db: {
          type: "postgres",
          version: "15",
          server: "web",
          password: { secret: "DB_PASSWORD" },
          settings: { max_connections: 50 },
        },
        cache: {
          type: "redis",
          server: "web",
          password: { secret: "CACHE_PASSWORD" },
          settings: { maxmemory: "64mb" },
        },
      }),
      secrets(),
      engineOf,
    );
    expect(graph.nodes.map((n) => [n.address, n.dependsOn, n.hostedOn])).toEqual([
      ["service.accessory.db", ["host.docker.web"], "hetzner.server.web"],
      ["service.accessory.cache", ["host.docker.web"], "hetzner.server.web"],
    ]);
    const db = graph.nodes[0]!.input as Parameters<typeof accessorySpec>[0];
    expect(db).toMatchObject({
      type: "postgres",
      port: 5432,
      env: { POSTGRES_USER: "app", POSTGRES_DB: "app", POSTGRES_PASSWORD: "p@ss word" },
      secretKeys: ["POSTGRES_PASSWORD"],
      args: ["-c", "max_connections=50"],
      build: { dockerfile: "Dockerfile", args: {} },
    });
    expect(db.image).toMatch(/^slipway\/shop-postgres:[0-9a-f]{12}$/);
    expect((graph.nodes[1]!.input as { args: string[] }).args).toEqual(["--maxmemory", "64mb"]);
    expect(graph.forService("web", ["hetzner.server.web"])).toEqual({
      env: {
        DB_URL: "postgres://app:p%40ss%20word@db:5432/app",
        CACHE_URL: "redis://:c@cache:6379/0",
      },
      secretKeys: ["DB_URL", "CACHE_URL"],
      dependsOn: ["service.accessory.db", "service.accessory.cache"],
    });
  });

  it("pulls an image the stack names instead of building", async () => {
    const graph = await accessoryGraph(
      stack({ cache: { type: "redis", server: "web", image: "registry.example.com/redis:7.2" } }),
      secrets(),
      engineOf,
    );
    expect(graph.nodes[0]!.input).toMatchObject({ image: "registry.example.com/redis:7.2" });
    expect((graph.nodes[0]!.input as { build?: unknown }).build).toBeUndefined();
    expect(graph.forService("web", ["hetzner.server.web"]).env).toEqual({
      CACHE_URL: "redis://cache:6379/0",
    });
  });

  it("pulls the official image of a version Debian does not ship, passing Redis its password", async () => {
    const graph = await accessoryGraph(
      stack({
        db: { type: "postgres", version: "16", server: "web", password: "x" },
        cache: { type: "redis", version: "6", server: "web", password: "y" },
      }),
      secrets(),
      engineOf,
    );
    expect(graph.nodes.map((n) => (n.input as { image: string }).image)).toEqual(["postgres:16", "redis:6"]);
    expect(graph.nodes[1]!.input).toMatchObject({ args: ["--requirepass", "y"] });
  });

  it("orders but does not link a service that also runs on other servers", async () => {
    // The config refuses this without a network; with one, this version cannot route it yet.
    const graph = await accessoryGraph(
      stack({ db: { type: "postgres", version: "15", server: "web", password: "x" } }),
      secrets(),
      engineOf,
    );
    expect(graph.forService("web", ["hetzner.server.web", "hetzner.server.other"])).toEqual({
      env: {},
      secretKeys: [],
      dependsOn: ["service.accessory.db"],
    });
  });
});

describe("withAccessories", () => {
  it("lets the service's own value win, and keeps a plain override out of the secrets", () => {
    const links = {
      env: { DB_URL: "postgres://x", CACHE_URL: "redis://y" },
      secretKeys: ["DB_URL", "CACHE_URL"],
      dependsOn: [],
    };
    expect(
      withAccessories({ values: { DB_URL: "postgres://mine", MODE: "x" }, secretKeys: [] }, links),
    ).toEqual({
      values: { DB_URL: "postgres://mine", CACHE_URL: "redis://y", MODE: "x" },
      secretKeys: ["CACHE_URL"],
    });
  });
});

describe("accessory health and spec", () => {
  const base = {
    server: "s",
    user: "deploy",
    stack: "shop",
    name: "db",
    type: "postgres" as const,
    image: "i",
    port: 5432,
    env: { POSTGRES_USER: "owner" },
    secretKeys: [],
    args: [],
  };

  it("checks Postgres with pg_isready as its owner, and Redis with an authenticated PING", () => {
    expect(accessoryHealth(base).command).toEqual([
      "pg_isready",
      "-q",
      "-h",
      "127.0.0.1",
      "-p",
      "5432",
      "-U",
      "owner",
    ]);
    expect(accessoryHealth({ ...base, type: "redis", port: 6379 }).command?.[2]).toContain(
      "ping | grep -q PONG",
    );
  });

  it("changes its spec hash with any setting, secret or not", () => {
    expect(accessorySpec(base)).toBe(accessorySpec({ ...base }));
    expect(accessorySpec({ ...base, args: ["-c", "a=1"] })).not.toBe(accessorySpec(base));
    expect(accessorySpec({ ...base, env: { POSTGRES_PASSWORD: "new" } })).not.toBe(accessorySpec(base));
  });
});
