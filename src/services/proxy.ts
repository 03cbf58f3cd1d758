/**
 * service.proxy: Caddy on a web host, the one entry point for HTTP(S). It runs with the host's network
 * (ports 80/443, admin API on localhost only) and gets certificates by ACME on its own. Its TLS
 * settings are changed through the admin API; a new image means a new container, which resumes the
 * last config it was given, routes included.
 */

import { change, type ResourceKind } from "../engine/resource.ts";
import { asRoot, type HostConnector, type HostRef } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { caddy, caddyRequest } from "./caddy-admin.ts";
import { baseConfig, tlsApp } from "./commands/caddy.ts";
import { PROXY_CONTAINER, removeContainer, runProxy, SLIPWAY_DIR } from "./commands/containers.ts";

export interface ProxyInput extends HostRef {
  image: string;
  acme: { ca?: string; email?: string; caRootPem?: string };
}

export interface ObservedProxy {
  server: string;
  user: string;
  image: string;
  running: boolean;
  /** Whether Caddy holds slipway's base config; false when a run died between start and load. */
  configured: boolean;
  tls: unknown;
}

type Ctx = { hosts: HostConnector };

const CA_ROOT_FILE = `${SLIPWAY_DIR}/proxy/acme-ca-root.pem`;

function wantedTls(want: ProxyInput) {
  return tlsApp({
    ca: want.acme.ca,
    email: want.acme.email,
    caRootFile: want.acme.caRootPem ? CA_ROOT_FILE : undefined,
  });
}

async function probe(ctx: Ctx, want: ProxyInput): Promise<ObservedProxy | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const inspect = await ssh.exec(
    asRoot(want.user, [
      "docker",
      "inspect",
      "--format",
      "{{.Config.Image}} {{.State.Running}}",
      PROXY_CONTAINER,
    ]),
  );
  if (inspect.code !== 0) return null;
  const [image = "", running] = inspect.stdout.trim().split(" ");
  const apps = await caddyRequest(ssh, "GET", "/config/apps");
  const tls = await caddyRequest(ssh, "GET", "/config/apps/tls");
  return {
    server: want.server,
    user: want.user,
    image,
    running: running === "true",
    configured: apps.status === 200 && apps.body.trim() !== "null",
    tls: tls.status === 200 ? JSON.parse(tls.body) : null,
  };
}

async function waitForAdmin(ssh: SshConnection): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await caddyRequest(ssh, "GET", "/config/")).status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${ssh.target.name}: Caddy's admin API did not come up within 20 s`);
}

async function writeCaRoot(ssh: SshConnection, want: ProxyInput): Promise<void> {
  await ssh.run(
    asRoot(want.user, ["install", "-d", "-m", "755", `${SLIPWAY_DIR}/proxy`]),
    "creating the proxy directory",
  );
  if (!want.acme.caRootPem) return;
  await ssh.run(asRoot(want.user, ["tee", CA_ROOT_FILE]), "writing the ACME CA root", {
    stdin: want.acme.caRootPem,
  });
}

async function startContainer(ssh: SshConnection, want: ProxyInput): Promise<void> {
  await ssh.run(asRoot(want.user, ["docker", "pull", "--quiet", want.image]), `pulling ${want.image}`, {
    timeoutMs: 10 * 60_000,
  });
  await ssh.exec(asRoot(want.user, removeContainer(PROXY_CONTAINER)));
  await ssh.run(asRoot(want.user, runProxy(want.image)), "starting Caddy");
  await waitForAdmin(ssh);
}

function loadBaseConfig(ssh: SshConnection, want: ProxyInput): Promise<unknown> {
  const config = baseConfig({ ...want.acme, caRootFile: want.acme.caRootPem ? CA_ROOT_FILE : undefined });
  return caddy(ssh, "POST", "/load", "loading the base config", config);
}

export const proxy: ResourceKind<ProxyInput, ObservedProxy, Ctx> = {
  kind: "service.proxy",
  id: (p) => p.server,
  read: (ctx, _id, want) => probe(ctx, want),
  find: (ctx, want) => probe(ctx, want),

  diff(want, have) {
    return [
      ...change("image", have.image, want.image),
      ...change("running", have.running, true),
      ...change("configured", have.configured, true),
      ...change("tls", have.tls, wantedTls(want)),
    ];
  },

  describe: (want) => ({
    server: want.server,
    image: want.image,
    acme: want.acme.ca ?? "Let's Encrypt (Caddy default)",
  }),

  async create(ctx, want) {
    const ssh = await ctx.hosts.connect(want);
    await writeCaRoot(ssh, want);
    await startContainer(ssh, want);
    await loadBaseConfig(ssh, want);
    const observed = await probe(ctx, want);
    if (!observed) throw new Error(`${want.server}: Caddy is not running after start`);
    return observed;
  },

  async update(ctx, have, want, changes) {
    const ssh = await ctx.hosts.connect(want);
    const changed = new Set(changes.map((c) => c.path));
    if (changed.has("image") || changed.has("running")) {
      if (have.image === want.image) await ssh.exec(asRoot(want.user, ["docker", "start", PROXY_CONTAINER]));
      else await startContainer(ssh, want);
      await waitForAdmin(ssh);
    }
    if (changed.has("configured")) {
      // Nothing to keep: a Caddy without apps has no routes either.
      await writeCaRoot(ssh, want);
      await loadBaseConfig(ssh, want);
    } else if (changed.has("tls")) {
      await writeCaRoot(ssh, want);
      const tls = wantedTls(want);
      // POST sets or replaces the object at the path (PUT would refuse to overwrite it).
      if (tls) await caddy(ssh, "POST", "/config/apps/tls", "setting TLS automation", tls);
      else await caddy(ssh, "DELETE", "/config/apps/tls", "removing TLS automation");
    }
    const observed = await probe(ctx, want);
    if (!observed) throw new Error(`${want.server}: Caddy is not running after the update`);
    return observed;
  },

  async delete(ctx, have) {
    if (!ctx.hosts.server(have)) return;
    const ssh = await ctx.hosts.connect(have);
    await ssh.run(asRoot(have.user, removeContainer(PROXY_CONTAINER)), "removing Caddy");
  },
};
