/**
 * Pieces of a container shared by services and accessories: image references, builds, environment,
 * secret files and mounts. Env values may be numbers or booleans in the file (PORT: 3000) and become
 * strings, because that is all a process environment can hold.
 */
import { z } from "zod";
import { EnvName, text } from "./primitives.ts";
import type { SecretRef } from "./secret.ts";
import { SecretRefSchema } from "./secret.ts";

/** An image reference: [registry/]name[:tag][@sha256:digest]. */
export const ImageRef = text(
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
  'expected an image reference such as "ghcr.io/acme/web:1.2"',
);

export const Build = z.strictObject({
  /** Build context directory, relative to the config file. @example "./app" */
  context: z
    .string({ error: 'expected a directory such as "./app"' })
    .min(1, { error: 'expected a directory such as "./app"' }),
  /** Dockerfile, relative to `context`. Default "Dockerfile". @example "Dockerfile.prod" */
  dockerfile: z.string({ error: 'expected a file name such as "Dockerfile"' }).min(1).default("Dockerfile"),
  /** Build arguments (`--build-arg`). Default {}. @example { NODE_VERSION: "20" } */
  args: z.record(EnvName, z.string({ error: 'expected a string such as "20"' })).default({}),
  /** Stage of a multi-stage Dockerfile to build. @example "production" */
  target: z.string({ error: 'expected a stage name such as "production"' }).min(1).optional(),
  /** Platform to build for. Default: the servers' architecture. @example "linux/arm64" */
  platform: z
    .enum(["linux/amd64", "linux/arm64"], { error: 'expected "linux/amd64" or "linux/arm64"' })
    .optional(),
});
export type Build = z.infer<typeof Build>;

const ENV_VALUE_MESSAGE = 'expected a string such as "production" or a secret such as secret("DATABASE_URL")';

/** A value in a container's environment: text, or a secret resolved at deploy time. */
export const EnvValue = z
  .union([z.string(), z.number(), z.boolean(), SecretRefSchema], { error: ENV_VALUE_MESSAGE })
  .transform((value): string | SecretRef => (typeof value === "object" ? value : String(value)));

/** Environment variables by name. Default {}. */
export const Env = z
  .record(EnvName, EnvValue, { error: 'expected variables such as { NODE_ENV: "production" }' })
  .default({});
export type Env = z.infer<typeof Env>;

/** Secrets delivered as files under /run/secrets (Docker secrets with swarm), by file name. Default {}. */
export const SecretFiles = z
  .record(
    text(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a file name such as "db_password"'),
    SecretRefSchema,
    { error: 'expected secret files such as { db_password: secret("DB_PASSWORD") }' },
  )
  .default({});

const MOUNT_MESSAGE = 'expected "<volume or /host/path>:/container/path[:ro]" such as "data:/app/data"';

/** A mount as Docker writes it: "name:/path", "/host/path:/path" or either with ":ro". */
export const Mount = z.string({ error: MOUNT_MESSAGE }).transform((spec, ctx) => {
  const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*|\/[^:]*):(\/[^:]*)(?::(ro|rw))?$/.exec(spec);
  if (!match) {
    ctx.addIssue({ code: "custom", message: MOUNT_MESSAGE, input: spec });
    return z.NEVER;
  }
  return { source: match[1]!, target: match[2]!, readOnly: match[3] === "ro" };
}) as unknown as z.ZodType<{ source: string; target: string; readOnly: boolean }, string>;
export type Mount = z.infer<typeof Mount>;

export const Mounts = z
  .array(Mount, { error: 'expected a list of mounts such as ["data:/app/data"]' })
  .default([]);

/** Memory limit and CPU share for a container. */
export const cpus = z
  .number({ error: "expected a number of CPUs such as 0.5 or 2" })
  .positive({ error: "expected a number of CPUs such as 0.5 or 2" })
  .max(64, { error: "expected a number of CPUs such as 0.5 or 2" });
