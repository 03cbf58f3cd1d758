/**
 * What a release is made of, as recorded in a label on its container: image, port, command and env,
 * with secret values replaced by a short hash. Comparing it with what the stack wants lets a plan say
 * `env.GREETING = "a" → "b"` instead of only "new release", without storing a secret anywhere.
 */
import { createHash } from "node:crypto";
import { type Change, change } from "../engine/resource.ts";

/** The inputs of a release that make its container. */
export interface ReleaseParts {
  image: string;
  port?: number;
  command?: string[];
  env: Record<string, string>;
  secretKeys: string[];
}

/** The parts of a release a plan reports on. Secret env values appear only as a hash. */
export interface ReleaseComposition {
  image: string;
  port: number | null;
  command: string[] | null;
  env: Record<string, string>;
  /** Keys whose values are secrets (absent on releases made before it was recorded). */
  secretKeys?: string[];
}

export function composition(want: ReleaseParts): ReleaseComposition {
  const env = Object.fromEntries(
    Object.entries(want.env).map(([key, value]) => [
      key,
      want.secretKeys.includes(key)
        ? `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 16)}`
        : value,
    ]),
  );
  const secretKeys = [...want.secretKeys].sort();
  return { image: want.image, port: want.port ?? null, command: want.command ?? null, env, secretKeys };
}

/** Field-level changes between the serving release and the wanted one. */
export function compositionChanges(have: ReleaseComposition, want: ReleaseParts): Change[] {
  const next = composition(want);
  const keys = [...new Set([...Object.keys(have.env), ...Object.keys(next.env)])].sort();
  return [
    ...change("image", have.image, next.image),
    ...change("port", have.port, next.port),
    ...change("command", have.command, next.command),
    ...keys.flatMap((key) =>
      change(`env.${key}`, have.env[key], next.env[key], {
        sensitive: want.secretKeys.includes(key) || (have.secretKeys ?? []).includes(key),
      }),
    ),
  ];
}

/** The id of a release: a short hash of everything that makes its container. */
export function releaseId(parts: ReleaseParts & { memory?: number; cpus?: number; runAs?: string }): string {
  const value = {
    image: parts.image,
    env: parts.env,
    port: parts.port,
    command: parts.command,
    limits: [parts.memory, parts.cpus, parts.runAs],
  };
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}
