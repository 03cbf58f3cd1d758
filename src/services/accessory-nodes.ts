/**
 * The stack's Postgres and Redis accessories as resource nodes, and what the services that depend on
 * them get: an order (the accessory starts first) and a connection string in `<NAME>_URL` (e.g.
 * DB_URL for an accessory named db), marked secret because it carries the password. An app reaches an
 * accessory by its name on the stack's private Docker network, so only a service on the accessory's
 * server gets the connection string.
 */

import { ACCESSORY_DEFAULTS } from "../config/accessory.ts";
import type { Stack } from "../config/index.ts";
import type { SecretRef } from "../config/secret.ts";
import { address, type ResourceNode } from "../engine/resource.ts";
import type { SecretResolver } from "../stack/secrets.ts";
import { type AccessoryInput, type AccessoryType, accessory, DEBIAN_VERSIONS, RECIPES } from "./accessory.ts";
import { contextHash } from "./build-context.ts";

export interface AccessoryGraph {
  nodes: ResourceNode[];
  /** Env and dependencies a service on `servers` (server resource addresses) gets from its accessories. */
  forService(service: string, servers: readonly string[]): AccessoryLinks;
}

export interface AccessoryLinks {
  env: Record<string, string>;
  secretKeys: string[];
  dependsOn: string[];
}

/** The service's own env over the accessories' connection strings: a value the stack sets wins. */
export function withAccessories(
  own: { values: Record<string, string>; secretKeys: string[] },
  links: AccessoryLinks,
): { values: Record<string, string>; secretKeys: string[] } {
  const inherited = links.secretKeys.filter((key) => !(key in own.values));
  return { values: { ...links.env, ...own.values }, secretKeys: [...own.secretKeys, ...inherited] };
}

type Supported = Extract<Stack["accessories"][string], { type: AccessoryType }>;

export const SUPPORTED_ACCESSORIES: readonly string[] = ["postgres", "redis"];

function envName(name: string): string {
  return `${name.toUpperCase().replaceAll("-", "_")}_URL`;
}

function connectionString(name: string, input: AccessoryInput): string {
  const password = input.env.POSTGRES_PASSWORD ?? input.env.REDIS_PASSWORD;
  const auth = password
    ? `${encodeURIComponent(input.env.POSTGRES_USER ?? "")}:${encodeURIComponent(password)}@`
    : "";
  if (input.type === "postgres") return `postgres://${auth}${name}:${input.port}/${input.env.POSTGRES_DB}`;
  return `redis://${auth}${name}:${input.port}/0`;
}

/**
 * The image to run: the one the stack names; for the default (the official image of `version`), a
 * build from Debian 12's packages when Debian ships that version, so no registry is needed; otherwise
 * the official image, pulled. Both follow the same contract (POSTGRES_* env, data directory, args).
 */
async function imageOf(stack: Stack, spec: Supported) {
  const official = ACCESSORY_DEFAULTS[spec.type].image(spec.version);
  if (spec.image !== official || spec.version.split(".")[0] !== DEBIAN_VERSIONS[spec.type]) {
    return { image: spec.image };
  }
  const build = { context: `${RECIPES}/${spec.type}`, dockerfile: "Dockerfile", args: {} };
  return { image: `slipway/${stack.name}-${spec.type}:${(await contextHash(build)).slice(0, 12)}`, build };
}

export async function accessoryGraph(
  stack: Stack,
  secrets: SecretResolver,
  engineOf: (group: string) => { server: string; engine: string },
): Promise<AccessoryGraph> {
  const nodes: ResourceNode[] = [];
  const inputs = new Map<string, AccessoryInput & { address: string }>();
  for (const [name, spec] of Object.entries(stack.accessories)) {
    if (spec.type !== "postgres" && spec.type !== "redis") continue;
    const host = engineOf(spec.server);
    const own: Record<string, string | SecretRef> =
      spec.type === "postgres"
        ? { POSTGRES_USER: spec.user, POSTGRES_DB: spec.database, POSTGRES_PASSWORD: spec.password }
        : spec.password === undefined
          ? {}
          : { REDIS_PASSWORD: spec.password };
    const env = secrets.resolveEnv({ ...spec.env, ...own }, `accessories.${name}`);
    const settings = Object.entries(spec.settings);
    const args =
      spec.type === "postgres"
        ? settings.flatMap(([k, v]) => ["-c", `${k}=${v}`])
        : settings.flatMap(([k, v]) => [`--${k}`, String(v)]);
    const image = await imageOf(stack, spec);
    // The official Redis image has no password variable: it takes requirepass as an argument.
    if (spec.type === "redis" && !image.build && env.values.REDIS_PASSWORD) {
      args.push("--requirepass", env.values.REDIS_PASSWORD);
    }
    const input: AccessoryInput = {
      server: host.server,
      user: stack.ssh.user,
      stack: stack.name,
      name,
      type: spec.type,
      ...image,
      port: spec.port ?? ACCESSORY_DEFAULTS[spec.type].port,
      env: env.values,
      secretKeys: env.secretKeys,
      args,
      memory: spec.memory,
      cpus: spec.cpus,
    };
    const nodeAddress = address(accessory.kind, name);
    inputs.set(name, { ...input, address: nodeAddress });
    nodes.push({
      address: nodeAddress,
      kind: accessory,
      name,
      input,
      dependsOn: [host.engine],
      hostedOn: host.server,
    });
  }
  return {
    nodes,
    forService(service, servers) {
      const env: Record<string, string> = {};
      const dependsOn: string[] = [];
      for (const name of stack.services[service]?.dependsOn ?? []) {
        const input = inputs.get(name);
        if (!input) continue;
        dependsOn.push(input.address);
        // Reached by name on the host's Docker network, so only from its own server; reaching it from
        // others goes through `accessories.<name>.network`, which this version does not apply yet.
        if (servers.some((server) => server !== input.server)) continue;
        env[envName(name)] = connectionString(name, input);
      }
      return { env, secretKeys: Object.keys(env), dependsOn };
    },
  };
}
