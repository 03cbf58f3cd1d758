/**
 * service.release: the release of one service that a host serves. A change of image, environment, port
 * or command is a new release: it starts beside the old one, must pass its health check, then Caddy's
 * route switches to it atomically and the old one is drained and stopped. A release that never becomes
 * healthy is removed and the old one keeps serving. Earlier releases stay on the host, stopped, for
 * rollback; the host's containers and Caddy's route are the truth, not our state.
 */
import { type Change, change, type ResourceKind } from "../engine/resource.ts";
import { UserError } from "../errors.ts";
import { asRoot, type HostConnector, type HostRef } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { caddy, caddyRequest } from "./caddy-admin.ts";
import { ROUTES_PATH, routeId, routeUpstream, serviceRoute } from "./commands/caddy.ts";
import {
  containerName,
  envFilePath,
  hostPortSeed,
  LABEL_RELEASE,
  LABEL_SPEC,
  listReleases,
  pickHostPort,
  removeContainer,
  runRelease,
  SLIPWAY_DIR,
  stopRelease,
} from "./commands/containers.ts";
import { type HealthCheck, healthProbe, waitHealthy } from "./commands/health.ts";
import { ensureImage, type ImageSpec } from "./image.ts";
import { composition, compositionChanges, type ReleaseComposition } from "./release-composition.ts";

export interface ReleaseInput extends ImageSpec {
  stack: string;
  service: string;
  /** Short hash of everything that makes the container: image, env, port, command. */
  release: string;
  /** Container port the app listens on; unset for workers (no route, no HTTP probe). */
  port?: number;
  env: Record<string, string>;
  /** Keys of `env` whose values are secrets: never shown, logged or stored. */
  secretKeys: string[];
  command?: string[];
  domains: string[];
  pathPrefix?: string;
  securityHeaders: boolean;
  healthcheck: HealthCheck;
  /** Milliseconds an old release gets to finish in-flight requests. */
  drain: number;
  keepReleases: number;
  memory?: number;
  cpus?: number;
  /** User (name or uid:gid) the container's process runs as. */
  runAs?: string;
}

export interface HostRelease {
  name: string;
  release: string;
  running: boolean;
  created: string;
  hostPort: string | null;
  /** What the release is made of, from its label; null for containers made before labels existed. */
  spec: ReleaseComposition | null;
}

export interface ObservedRelease extends HostRef {
  stack: string;
  service: string;
  /** The release Caddy routes to; null when no route points at a running release. */
  release: string | null;
  upstream: string | null;
  /** Caddy's route for the service with its upstream blanked out, or null when there is none. */
  route: unknown;
  releases: HostRelease[];
}

type Ctx = { hosts: HostConnector };

/** Parses listReleases output (name, host port, labels JSON, running, created; tab-separated), newest first. */
export function parseReleases(output: string): HostRelease[] {
  return output
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      const [name = "", hostPort = "", labelsJson = "{}", running = "", created = ""] = line.split("\t");
      const labels = JSON.parse(labelsJson || "{}") as Record<string, string> | null;
      const specLabel = labels?.[LABEL_SPEC];
      return {
        name,
        release: labels?.[LABEL_RELEASE] ?? "",
        running: running.trim() === "true",
        created: created.trim(),
        hostPort: hostPort.trim() || null,
        spec: specLabel ? (JSON.parse(specLabel) as ReleaseComposition) : null,
      };
    })
    .sort((a, b) => b.created.localeCompare(a.created));
}

async function hostReleases(
  ssh: SshConnection,
  ref: HostRef & { stack: string; service: string },
  port: number | undefined,
) {
  const out = await ssh.run(asRoot(ref.user, listReleases(ref.stack, ref.service, port)), "listing releases");
  return parseReleases(out);
}

async function observeRelease(ctx: Ctx, want: ReleaseInput): Promise<ObservedRelease | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const releases = await hostReleases(ssh, want, want.port);
  const route = await caddyRequest(ssh, "GET", `/id/${routeId(want.stack, want.service)}`);
  const routeJson: unknown = route.status === 200 ? JSON.parse(route.body) : null;
  if (releases.length === 0 && !routeJson) return null;
  const upstream = routeUpstream(routeJson);
  const serving = releases.find((r) => r.running && r.hostPort !== null && r.hostPort === upstream);
  return {
    server: want.server,
    user: want.user,
    stack: want.stack,
    service: want.service,
    release: serving?.release ?? null,
    upstream,
    route: routeJson && normalizeRoute(routeJson as RouteShape),
    releases,
  };
}

function envFile(want: ReleaseInput): string {
  return Object.entries(want.env)
    .map(([key, value]) => {
      if (/[\r\n]/.test(value))
        throw new UserError(`services.${want.service}.env.${key}: values cannot span lines`);
      return `${key}=${value}\n`;
    })
    .join("");
}

async function startRelease(ssh: SshConnection, want: ReleaseInput, existing: HostRelease | undefined) {
  const name = containerName(want.stack, want.service, want.release);
  if (existing?.running) return;
  if (existing) {
    await ssh.run(asRoot(want.user, ["docker", "start", name]), `starting ${name}`);
    return;
  }
  const envPath = envFilePath(want.stack, want.service, want.release);
  await ssh.run(
    asRoot(want.user, ["install", "-d", "-m", "700", `${SLIPWAY_DIR}/env`]),
    "creating the env directory",
  );
  await ssh.run(
    asRoot(want.user, ["sh", "-c", 'umask 077 && cat > "$1"', "write-env", envPath]),
    "writing the env file",
    {
      stdin: envFile(want),
    },
  );
  let hostPort: number | undefined;
  if (want.port !== undefined) {
    const picked = await ssh.run(
      asRoot(want.user, pickHostPort(hostPortSeed(name))),
      "choosing a port for the release",
    );
    hostPort = Number(picked.trim());
  }
  const spec = { ...want, envFile: envPath, hostPort, spec: JSON.stringify(composition(want)) };
  await ssh.run(asRoot(want.user, runRelease(spec)), `starting ${name}`);
}

async function failRelease(
  ssh: SshConnection,
  want: ReleaseInput,
  name: string,
  why: string,
): Promise<never> {
  const logs = await ssh.exec(asRoot(want.user, ["docker", "logs", "--tail", "30", name]));
  await ssh.exec(asRoot(want.user, removeContainer(name)));
  await ssh.exec(asRoot(want.user, ["rm", "-f", envFilePath(want.stack, want.service, want.release)]));
  const output = `${logs.stdout}${logs.stderr}`.trim();
  throw new UserError(
    `${want.service} release ${want.release} on ${ssh.target.name} ${why}; the previous release keeps serving.` +
      (output ? `\nLast log lines of ${name}:\n${output}` : ""),
  );
}

async function deploy(ctx: Ctx, want: ReleaseInput): Promise<ObservedRelease> {
  const ssh = await ctx.hosts.connect(want);
  await ensureImage(ssh, want);
  const name = containerName(want.stack, want.service, want.release);
  const before = await hostReleases(ssh, want, want.port);
  // Choosing a free port and binding it must not interleave with another release on this host.
  const existing = before.find((r) => r.name === name);
  await ctx.hosts.exclusive(want, () => startRelease(ssh, want, existing));
  let hostPort: string | null = null;
  if (want.port !== undefined) {
    const port = await ssh.exec(asRoot(want.user, ["docker", "port", name, `${want.port}/tcp`]));
    hostPort = port.stdout.split("\n")[0]!.trim() || null;
    if (!hostPort) await failRelease(ssh, want, name, `publishes no port for ${want.port}`);
  }
  const probe = healthProbe(name, hostPort, want.healthcheck);
  const health = await ssh.exec(asRoot(want.user, waitHealthy(probe, want.healthcheck)));
  if (health.code !== 0) {
    await failRelease(ssh, want, name, `did not pass its health check: ${health.stderr.trim()}`);
  }
  if (hostPort && want.domains.length > 0) await switchRoute(ssh, want, hostPort);
  await retireOldReleases(ssh, want, name);
  const observed = await observeRelease(ctx, want);
  if (!observed) throw new Error(`${want.service}: release ${want.release} vanished after the switch`);
  return observed;
}

const UPSTREAM = "(release)";

function routeFor(want: ReleaseInput, upstream: string): Record<string, unknown> {
  return serviceRoute(routeId(want.stack, want.service), want.domains, upstream, want);
}

type RouteShape = { handle?: { handler?: string; upstreams?: unknown }[] };

/** The observed route with its upstream replaced by a placeholder, comparable with routeFor(want, UPSTREAM). */
function normalizeRoute(route: RouteShape): unknown {
  const handle = route.handle?.map((h) =>
    h.handler === "reverse_proxy" ? { ...h, upstreams: [{ dial: UPSTREAM }] } : h,
  );
  return { ...route, handle };
}

async function switchRoute(ssh: SshConnection, want: ReleaseInput, hostPort: string): Promise<void> {
  const id = routeId(want.stack, want.service);
  const route = routeFor(want, hostPort);
  const existing = await caddyRequest(ssh, "GET", `/id/${id}`);
  if (existing.status === 200) await caddy(ssh, "PATCH", `/id/${id}`, "switching the route", route);
  else await caddy(ssh, "POST", ROUTES_PATH, "adding the route", route);
}

async function retireOldReleases(ssh: SshConnection, want: ReleaseInput, current: string): Promise<void> {
  const releases = await hostReleases(ssh, want, want.port);
  const drainSeconds = Math.ceil(want.drain / 1000);
  const old = releases.filter((r) => r.name !== current && r.running);
  // Caddy finishes in-flight requests on the old upstream; give them a moment before SIGTERM.
  if (old.length > 0) await new Promise((r) => setTimeout(r, Math.min(want.drain, 2000)));
  await Promise.all(
    old.map((r) => ssh.run(asRoot(want.user, stopRelease(r.name, drainSeconds)), `stopping ${r.name}`)),
  );
  const stale = releases.filter((r) => r.name !== current).slice(Math.max(want.keepReleases - 1, 0));
  for (const r of stale) {
    await ssh.exec(asRoot(want.user, removeContainer(r.name)));
    await ssh.exec(asRoot(want.user, ["rm", "-f", envFilePath(want.stack, want.service, r.release)]));
  }
}

export const release: ResourceKind<ReleaseInput, ObservedRelease, Ctx> = {
  kind: "service.release",
  id: (r) => `${r.server}/${r.service}`,
  read: (ctx, _id, want) => observeRelease(ctx, want),
  find: (ctx, want) => observeRelease(ctx, want),

  diff(want, have): Change[] {
    const route = want.port !== undefined && want.domains.length > 0 ? routeFor(want, UPSTREAM) : null;
    const serving = have.releases.find((r) => r.release === have.release);
    const parts =
      have.release !== want.release && serving?.spec ? compositionChanges(serving.spec, want) : [];
    return [
      ...change("release", have.release, want.release),
      ...parts,
      ...change("route", have.route, route),
    ];
  },

  describe: (want) => ({
    server: want.server,
    release: want.release,
    image: want.build ? `${want.image} (built from ${want.build.context})` : want.image,
    port: want.port,
    domains: want.domains,
    env: Object.fromEntries(
      Object.entries(want.env).map(([k, v]) => [k, want.secretKeys.includes(k) ? "(sensitive)" : v]),
    ),
  }),

  create: (ctx, want) => deploy(ctx, want),
  update: (ctx, _have, want) => deploy(ctx, want),

  async delete(ctx, have) {
    if (!ctx.hosts.server(have)) return;
    const ssh = await ctx.hosts.connect(have);
    await caddyRequest(ssh, "DELETE", `/id/${routeId(have.stack, have.service)}`);
    for (const r of have.releases) {
      await ssh.exec(asRoot(have.user, removeContainer(r.name)));
      await ssh.exec(asRoot(have.user, ["rm", "-f", envFilePath(have.stack, have.service, r.release)]));
    }
  },
};
