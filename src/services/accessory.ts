/**
 * service.accessory: a Postgres or Redis the stack's apps use, as one long-lived container on its
 * server. Unless the stack names another image, it is built on the server from Debian 12's packages
 * (Dockerfiles in ./accessories), so no registry is needed. It joins the stack's private Docker
 * network under its own name and publishes no port: the apps on that server reach it, nothing outside
 * does. A changed setting replaces the container; the data stays in its named volume, which `destroy`
 * leaves in place.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { change, type ResourceKind } from "../engine/resource.ts";
import { UserError } from "../errors.ts";
import { asRoot, type HostConnector, type HostRef } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import type { BuildSpec } from "./build-context.ts";
import {
  accessoryContainer,
  accessoryEnvFile,
  inspectAccessory,
  runAccessory,
} from "./commands/accessories.ts";
import {
  ensureNetwork,
  removeContainer,
  SLIPWAY_DIR,
  stackNetwork,
  writePrivateFile,
} from "./commands/containers.ts";
import { type HealthCheck, healthProbe, waitHealthy } from "./commands/health.ts";
import { ensureImage } from "./image.ts";

export type AccessoryType = "postgres" | "redis";

/** What Debian 12 ships, which is what a built accessory runs. */
export const DEBIAN_VERSIONS: Record<AccessoryType, string> = { postgres: "15", redis: "7" };

export const RECIPES = join(dirname(fileURLToPath(import.meta.url)), "accessories");

export interface AccessoryInput extends HostRef {
  stack: string;
  name: string;
  type: AccessoryType;
  image: string;
  /** Set when the image is built on the server from slipway's Debian recipe. */
  build?: BuildSpec;
  port: number;
  env: Record<string, string>;
  secretKeys: string[];
  /** Settings, as command-line arguments of the server. */
  args: string[];
  memory?: number;
  cpus?: number;
}

export interface ObservedAccessory extends HostRef {
  stack: string;
  name: string;
  /** Hash of what made the running container. */
  spec: string;
  running: boolean;
}

type Ctx = { hosts: HostConnector };

const DATA_PATH: Record<AccessoryType, string> = { postgres: "/var/lib/postgresql/data", redis: "/data" };

/** Hash of everything that makes the container, secret values included (only the hash is stored). */
export function accessorySpec(want: AccessoryInput): string {
  const parts = [want.image, want.port, want.env, want.args, want.memory ?? null, want.cpus ?? null];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

export function accessoryHealth(want: AccessoryInput): HealthCheck {
  const command =
    want.type === "postgres"
      ? [
          "pg_isready",
          "-q",
          "-h",
          "127.0.0.1",
          "-p",
          String(want.port),
          "-U",
          want.env.POSTGRES_USER ?? "app",
        ]
      : [
          "sh",
          "-c",
          `redis-cli -p ${want.port} --no-auth-warning \${REDIS_PASSWORD:+-a "$REDIS_PASSWORD"} ping | grep -q PONG`,
        ];
  return { path: "/", interval: 1000, timeout: 3000, healthyThreshold: 1, deadline: 120_000, command };
}

async function observe(ctx: Ctx, want: AccessoryInput): Promise<ObservedAccessory | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const result = await ssh.exec(asRoot(want.user, inspectAccessory(want.stack, want.name)));
  if (result.code !== 0) return null;
  const [spec = "", running = ""] = result.stdout.trim().split(" ");
  return {
    server: want.server,
    user: want.user,
    stack: want.stack,
    name: want.name,
    spec,
    running: running === "true",
  };
}

async function writeEnv(ssh: SshConnection, want: AccessoryInput, path: string): Promise<void> {
  const lines = Object.entries(want.env).map(([key, value]) => {
    if (/[\r\n]/.test(value)) throw new UserError(`accessories.${want.name}: ${key} cannot span lines`);
    return `${key}=${value}\n`;
  });
  await ssh.run(
    asRoot(want.user, ["install", "-d", "-m", "700", `${SLIPWAY_DIR}/env`]),
    "creating the env directory",
  );
  await ssh.run(asRoot(want.user, writePrivateFile(path)), "writing the env file", {
    stdin: lines.join(""),
  });
}

async function start(ctx: Ctx, want: AccessoryInput): Promise<ObservedAccessory> {
  const ssh = await ctx.hosts.connect(want);
  const name = accessoryContainer(want.stack, want.name);
  const network = stackNetwork(want.stack);
  await ssh.run(asRoot(want.user, ensureNetwork(network)), "creating the stack network");
  await ensureImage(ssh, want);
  const envFile = accessoryEnvFile(want.stack, want.name);
  await writeEnv(ssh, want, envFile);
  await ssh.exec(asRoot(want.user, removeContainer(name)));
  const spec = accessorySpec(want);
  await ssh.run(
    asRoot(
      want.user,
      runAccessory({ ...want, network, dataPath: DATA_PATH[want.type], envFile, args: want.args, spec }),
    ),
    `starting ${name}`,
  );
  const check = accessoryHealth(want);
  const health = await ssh.exec(asRoot(want.user, waitHealthy(healthProbe(name, null, check), check)));
  if (health.code !== 0) {
    const logs = await ssh.exec(asRoot(want.user, ["docker", "logs", "--tail", "30", name]));
    throw new UserError(
      `accessory ${want.name} on ${ssh.target.name} did not become ready: ${health.stderr.trim()}\n` +
        `Last log lines of ${name}:\n${`${logs.stdout}${logs.stderr}`.trim()}`,
    );
  }
  return { server: want.server, user: want.user, stack: want.stack, name: want.name, spec, running: true };
}

export const accessory: ResourceKind<AccessoryInput, ObservedAccessory, Ctx> = {
  kind: "service.accessory",
  id: (a) => `${a.server}/${a.name}`,
  read: (ctx, _id, want) => observe(ctx, want),
  find: (ctx, want) => observe(ctx, want),

  diff(want, have) {
    return [...change("spec", have.spec, accessorySpec(want)), ...change("running", have.running, true)];
  },

  describe: (want) => ({
    server: want.server,
    type: want.type,
    image: want.build
      ? `built from Debian 12 packages (${want.type} ${DEBIAN_VERSIONS[want.type]})`
      : want.image,
    reachableAs: `${want.name}:${want.port} on the stack's private Docker network`,
  }),

  create: (ctx, want) => start(ctx, want),
  update: (ctx, _have, want) => start(ctx, want),

  async delete(ctx, have) {
    if (!ctx.hosts.server(have)) return;
    const ssh = await ctx.hosts.connect(have);
    // The named volume holds the data: it stays, so a stack brought back finds its database.
    await ssh.exec(asRoot(have.user, removeContainer(accessoryContainer(have.stack, have.name))));
    await ssh.exec(asRoot(have.user, ["rm", "-f", accessoryEnvFile(have.stack, have.name)]));
  },
};
