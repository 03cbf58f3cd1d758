/**
 * One slipway run against one stack: the parsed stack file, its state, the credentials and clients the
 * resource kinds need, and the resource graph. Every command that touches the cloud opens one.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadStack, type Stack } from "../config/index.ts";
import type { LockRequest } from "../engine/lock.ts";
import type { AnyKind, ResourceNode } from "../engine/resource.ts";
import type { StateStore } from "../engine/state.ts";
import { UsageError } from "../errors.ts";
import { cloudflareRanges } from "../hosts/cloudflare-ranges.ts";
import { HostConnector } from "../hosts/connector.ts";
import { HOST_KINDS, usesCloudflareRanges } from "../hosts/host-nodes.ts";
import { generateHostKey, loadIdentity } from "../hosts/keys.ts";
import { SshPool } from "../hosts/ssh.ts";
import { createCloudflareClient } from "../providers/cloudflare/client.ts";
import { createHetznerClient, type HetznerClient, hetznerSettings } from "../providers/hetzner/client.ts";
import { server } from "../providers/hetzner/server.ts";
import { sshKey } from "../providers/hetzner/ssh-key.ts";
import { createS3Client } from "../providers/s3/client.ts";
import { accessory } from "../services/accessory.ts";
import { proxy } from "../services/proxy.ts";
import { release } from "../services/release.ts";
import type { DeployRun } from "../services/rollout.ts";
import { swarmService } from "../services/swarm/service.ts";
import { INFRA_KINDS } from "./infra-kinds.ts";
import { firewallsUseCloudflare } from "./infra-nodes.ts";
import { type HostKeyPair, stackResources } from "./resources.ts";
import { SecretResolver } from "./secrets.ts";
import { openStackState, stackKeys } from "./state-setup.ts";

export const KINDS: ReadonlyMap<string, AnyKind> = new Map(
  [sshKey, server, ...INFRA_KINDS, ...HOST_KINDS, proxy, release, swarmService, accessory].map((k) => [
    k.kind,
    k as AnyKind,
  ]),
);

export interface RunContext {
  hetzner: HetznerClient;
  /** Set when the stack has DNS records. */
  cloudflare?: ReturnType<typeof createCloudflareClient>;
  /** Set when the stack has buckets. */
  s3?: ReturnType<typeof createS3Client>;
  hosts: HostConnector;
  /** Who deploys and why, for service releases' lock and audit log (default: `slipway up` by this user). */
  deploy?: DeployRun;
}

export interface Session {
  stack: Stack;
  file: string;
  dir: string;
  state: StateStore;
  nodes: ResourceNode[];
  ctx: RunContext;
  /** Live outputs by address, shared by planning, apply and the host connector. */
  observed: Map<string, unknown>;
  /** Host keys generated in this run, to be saved in state before anything uses them. */
  newHostKeys: Map<string, HostKeyPair>;
  close(): Promise<void>;
}

function acmeSettings(stack: Stack, dir: string, env: NodeJS.ProcessEnv) {
  const ca = stack.proxy.acme.ca ?? env.SLIPWAY_ACME_CA;
  const rootPath = stack.proxy.acme.caRoot ? resolve(dir, stack.proxy.acme.caRoot) : env.SLIPWAY_ACME_CA_ROOT;
  if (rootPath && !existsSync(rootPath)) {
    const from = stack.proxy.acme.caRoot ? "proxy.acme.caRoot" : "SLIPWAY_ACME_CA_ROOT";
    throw new UsageError(`${from}: ${rootPath} does not exist`, {
      hint: "Point it at the PEM file of the ACME server's CA.",
    });
  }
  return {
    ca,
    email: stack.proxy.acme.email,
    caRootPem: rootPath ? readFileSync(rootPath, "utf8") : undefined,
  };
}

export async function openSession(
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { lock?: LockRequest; environment?: string } = {},
): Promise<Session> {
  const { environment } = options;
  const { stack, file, dir } = await loadStack(configPath, environment ? { environment } : {});
  const keys = stackKeys(dir, env, { environment });
  const { state, lock } = await openStackState({
    stackDir: dir,
    stackName: stack.name,
    stackFile: file,
    keys,
    lock: options.lock,
    env,
    environment,
  });
  try {
    return await connect(stack, file, dir, state, env, keys, async () => {
      await lock?.release();
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

async function connect(
  stack: Stack,
  file: string,
  dir: string,
  state: StateStore,
  env: NodeJS.ProcessEnv,
  keys: ReturnType<typeof stackKeys>,
  unlock: () => Promise<void>,
): Promise<Session> {
  const identity = loadIdentity(stack.ssh.privateKey, dir, env);
  const hetzner = createHetznerClient(hetznerSettings(env));
  const observed = new Map<string, unknown>();
  const pool = new SshPool(identity);
  let cloudflare: RunContext["cloudflare"];
  let s3: RunContext["s3"];
  const ctx: RunContext = {
    hetzner,
    // Made on first use: commands that never reach DNS or buckets (ssh, exec, logs) need no credentials for them.
    get cloudflare() {
      if (stack.dns) cloudflare ??= createCloudflareClient(env);
      return cloudflare;
    },
    get s3() {
      if (Object.keys(stack.buckets).length > 0) s3 ??= createS3Client(env);
      return s3;
    },
    hosts: new HostConnector(pool, observed, {
      sshPort: stack.ssh.port,
      bastion: stack.ssh.bastion && `hetzner.server.${stack.ssh.bastion}`,
    }),
  };
  const newHostKeys = new Map<string, HostKeyPair>();
  const secrets = new SecretResolver(env, { file: keys.secretsFile, redactor: keys.redactor });
  const nodes = await stackResources({
    stack,
    cloudflareRanges:
      usesCloudflareRanges(stack) || firewallsUseCloudflare(stack) ? await cloudflareRanges(env) : undefined,
    configDir: dir,
    publicKey: identity.publicKey,
    acme: acmeSettings(stack, dir, env),
    secrets,
    hostKey: (address) => {
      const known = state.generated(address);
      if (known?.hostKeyPrivate && known.hostKeyPublic) {
        return { privateKey: known.hostKeyPrivate, publicKey: known.hostKeyPublic };
      }
      const fresh = newHostKeys.get(address) ?? generateHostKey(`${stack.name} ${address}`);
      newHostKeys.set(address, fresh);
      return fresh;
    },
  });
  secrets.check();
  const close = async () => {
    await pool.closeAll();
    await unlock();
  };
  return { stack, file, dir, state, nodes, ctx, observed, newHostKeys, close };
}

/** Saves generated host keys before the servers that carry them are created. */
export async function persistGenerated(session: Session): Promise<void> {
  for (const [address, pair] of session.newHostKeys) {
    await session.state.setGenerated(address, {
      hostKeyPrivate: pair.privateKey,
      hostKeyPublic: pair.publicKey,
    });
  }
  session.newHostKeys.clear();
}
