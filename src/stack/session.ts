/**
 * One slipway run against one stack: the parsed stack file, its state, the credentials and clients the
 * resource kinds need, and the resource graph. Every command that touches the cloud opens one.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadStack, type Stack } from "../config/index.ts";
import { LocalStateBackend } from "../engine/local-state.ts";
import type { AnyKind, ResourceNode } from "../engine/resource.ts";
import { emptyState, StateStore } from "../engine/state.ts";
import { UsageError } from "../errors.ts";
import { HostConnector } from "../hosts/connector.ts";
import { dockerEngine } from "../hosts/docker-engine.ts";
import { generateHostKey, loadIdentity } from "../hosts/keys.ts";
import { SshPool } from "../hosts/ssh.ts";
import { createHetznerClient, type HetznerClient, hetznerSettings } from "../providers/hetzner/client.ts";
import { server } from "../providers/hetzner/server.ts";
import { sshKey } from "../providers/hetzner/ssh-key.ts";
import { proxy } from "../services/proxy.ts";
import { release } from "../services/release.ts";
import { type HostKeyPair, stackResources } from "./resources.ts";
import { SecretResolver } from "./secrets.ts";

export const KINDS: ReadonlyMap<string, AnyKind> = new Map(
  [sshKey, server, dockerEngine, proxy, release].map((k) => [k.kind, k as AnyKind]),
);

export interface RunContext {
  hetzner: HetznerClient;
  hosts: HostConnector;
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
): Promise<Session> {
  const { stack, file, dir } = await loadStack(configPath);
  const backend = new LocalStateBackend(join(dir, ".slipway"));
  const doc = (await backend.read()) ?? emptyState(stack.name);
  if (doc.stack !== stack.name) {
    throw new UsageError(
      `state in ${backend.location} belongs to stack "${doc.stack}", but ${file} defines "${stack.name}"`,
      {
        hint: "Renaming a stack would orphan its servers: destroy it under its old name first, or restore the name.",
      },
    );
  }
  const state = new StateStore(doc, backend);
  const identity = loadIdentity(stack.ssh.privateKey, dir, env);
  const hetzner = createHetznerClient(hetznerSettings(env));
  const observed = new Map<string, unknown>();
  const pool = new SshPool(identity);
  const ctx: RunContext = { hetzner, hosts: new HostConnector(pool, observed, stack.ssh.port) };
  const newHostKeys = new Map<string, HostKeyPair>();
  const secrets = new SecretResolver(env);
  const nodes = await stackResources({
    stack,
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
  return { stack, file, dir, state, nodes, ctx, observed, newHostKeys, close: () => pool.closeAll() };
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
