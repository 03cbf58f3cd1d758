/**
 * Accessories: stateful containers slipway runs but does not release-deploy (Postgres, Redis,
 * Meilisearch, or any image). An accessory lives on one server (a group of count 1) with optional
 * replicas on others. It never listens publicly: with `network` it binds to the server's private address
 * in that network, otherwise only containers on the same server reach it.
 */
import { z } from "zod";
import { cpus, Env, ImageRef, Mounts, SecretFiles } from "./container.ts";
import { Healthcheck } from "./healthcheck.ts";
import { Command, Port, resourceName } from "./primitives.ts";
import { secretOr } from "./secret.ts";
import { Size } from "./size.ts";
import { didYouMean, listOf } from "./suggest.ts";

const VERSION_MESSAGE = 'expected a version such as "16" or "16.4"';
const Version = z
  .union([z.string(), z.number()], { error: VERSION_MESSAGE })
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d+(?:\.\d+){0,2}$/, { error: VERSION_MESSAGE }));

const bool = z.boolean({ error: "expected true or false" });

/** Fields every accessory has. */
const common = {
  /** Server group (of count 1) running the primary. @example "db" */
  server: resourceName("server group", "db"),
  /** Server groups holding replicas, one per server; needs `network`. Default []. @example ["db-replica"] */
  replicas: z
    .array(resourceName("server group", "db-replica"), {
      error: 'expected server group names such as ["replica"]',
    })
    .default([]),
  /** Private network to listen on (the server's address in it). Default: same-server containers only. @example "main" */
  network: resourceName("network", "main").optional(),
  /** Port to listen on. Default: the product's usual port (5432, 6379, 7700). */
  port: Port.optional(),
  /** Volume (from `volumes`) holding the data directory. Default: a Docker volume on the server's disk. @example "data" */
  volume: resourceName("volume", "data").optional(),
  /** Image override. Default: the official image of `version`. @example "registry.example.com/postgres:16" */
  image: ImageRef.optional(),
  /** Extra environment variables. Default {}. */
  env: Env,
  /** Memory limit, parsed to MiB. @example "1G" */
  memory: Size.optional(),
  /** CPU limit. @example 1 */
  cpus: cpus.optional(),
  /** Other accessories that must be running first. Default []. @example ["db"] */
  dependsOn: z.array(resourceName("accessory", "db")).default([]),
};

const SETTING_MESSAGE = "expected a string, number or boolean such as 200";

const Settings = z
  .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()], { error: SETTING_MESSAGE }), {
    error: "expected settings such as { max_connections: 200 }",
  })
  .default({});

export const Postgres = z.strictObject({
  /** Kind of accessory. */
  type: z.literal("postgres"),
  ...common,
  /** Major (or exact) version. Default "16". */
  version: Version.default("16"),
  /** Database created on first start. Default "app". */
  database: resourceName("database", "app").default("app"),
  /** Owner of `database`. Default "app". */
  user: resourceName("user", "app").default("app"),
  /** Password of `user` (and of replication). @example secret("POSTGRES_PASSWORD") */
  password: secretOr("s3cret", "POSTGRES_PASSWORD"),
  /** Require TLS for every connection (slipway issues the server certificate). Default false. */
  ssl: bool.default(false),
  /** postgresql.conf settings. Default {}. @example { max_connections: 200 } */
  settings: Settings,
});

export const Redis = z.strictObject({
  /** Kind of accessory. */
  type: z.literal("redis"),
  ...common,
  /** Default "7". */
  version: Version.default("7"),
  /** `requirepass` (and `masterauth` for replicas). Default: none. @example secret("REDIS_PASSWORD") */
  password: secretOr("s3cret", "REDIS_PASSWORD").optional(),
  /** redis.conf settings. Default {}. @example { maxmemory: "256mb", appendonly: "yes" } */
  settings: Settings,
});

export const Meilisearch = z.strictObject({
  /** Kind of accessory. */
  type: z.literal("meilisearch"),
  ...common,
  /** Default "1.11". */
  version: Version.default("1.11"),
  /** The master key (Meilisearch refuses to start in production without one). @example secret("MEILI_MASTER_KEY") */
  masterKey: secretOr("s3cret", "MEILI_MASTER_KEY"),
});

export const GenericAccessory = z.strictObject({
  /** Kind of accessory: any image. */
  type: z.literal("generic"),
  ...common,
  /** Image to run. @example "registry.example.com/minio:2024" */
  image: ImageRef,
  /** Overrides the image's command. @example ["--save", "60", "1"] */
  command: Command.optional(),
  /** Mounts. Default []. @example ["data:/data"] */
  mounts: Mounts,
  /** Secret files under /run/secrets. Default {}. */
  secrets: SecretFiles,
  /** How slipway knows it is up. Default: running for 2 checks. */
  healthcheck: Healthcheck.prefault({}),
});

/** Default port and image of each kind, used when the config does not say. */
export const ACCESSORY_DEFAULTS = {
  postgres: { port: 5432, image: (v: string) => `postgres:${v}` },
  redis: { port: 6379, image: (v: string) => `redis:${v}` },
  meilisearch: { port: 7700, image: (v: string) => `getmeili/meilisearch:v${v}` },
} as const;

const TYPES = ["postgres", "redis", "meilisearch", "generic"];
const ACCESSORY_MESSAGE =
  'expected an accessory such as { type: "postgres", server: "db", password: secret("POSTGRES_PASSWORD") }';

export const Accessory = z
  .discriminatedUnion("type", [Postgres, Redis, Meilisearch, GenericAccessory], {
    error: (iss) => {
      if (iss.code !== "invalid_union") return ACCESSORY_MESSAGE;
      const type = (iss.input as { type?: unknown } | undefined)?.type;
      const expected = `expected type ${listOf(TYPES)}`;
      return type === undefined ? `required; ${expected}` : `${expected}${didYouMean(type, TYPES)}`;
    },
  })
  .transform((accessory) => {
    if (accessory.type === "generic") return accessory;
    const defaults = ACCESSORY_DEFAULTS[accessory.type];
    return {
      ...accessory,
      port: accessory.port ?? defaults.port,
      image: accessory.image ?? defaults.image(accessory.version),
    };
  });
export type Accessory = z.infer<typeof Accessory>;
