/**
 * service.release: the release of one service that a host serves. A change of image, environment, port
 * or command is a new release, rolled out with no failed request (see rollout.ts): it starts beside the
 * old one on the service's free slot, must pass its health check, then takes traffic while the old one
 * drains and stops. A release that never becomes healthy is removed and the old one keeps serving.
 * Earlier releases stay on the host, stopped, for rollback; the host's containers and Caddy's route are
 * the truth, not our state.
 */
import { type Change, change, type ResourceKind } from "../engine/resource.ts";
import { UserError } from "../errors.ts";
import { asRoot, type HostConnector, type HostRef } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { caddyRequest } from "./caddy-admin.ts";
import { routeId } from "./commands/caddy.ts";
import { envFilePath, removeContainer, SLIPWAY_DIR, writePrivateFile } from "./commands/containers.ts";
import type { HealthCheck } from "./commands/health.ts";
import { dropSlotChain, serviceDir, slotChain } from "./commands/slots.ts";
import { type HostRelease, hostReleases, servingRelease, slotOf } from "./host-releases.ts";
import { ensureImage, type ImageSpec } from "./image.ts";
import { composition, compositionChanges } from "./release-composition.ts";
import { type DeployRun, defaultRun, rollout } from "./rollout.ts";
import { closedSlots, readRoute, wantedRouteShape } from "./route.ts";

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
  /** preDeploy runs in a one-off container of the new image before it starts; postDeploy in it after the switch. */
  hooks: { preDeploy?: string[]; postDeploy?: string[] };
  memory?: number;
  cpus?: number;
  /** User (name or uid:gid) the container's process runs as. */
  runAs?: string;
}

export type { HostRelease };

export interface ObservedRelease extends HostRef {
  stack: string;
  service: string;
  /** The release that serves (the running one); null when none runs. */
  release: string | null;
  /** Caddy's route for the service with its slot ports blanked out, or null when there is none. */
  route: unknown;
  releases: HostRelease[];
  /**
   * Slot ports the host's firewall keeps closed to Caddy. A run killed mid-switch can leave the serving
   * release's slot closed, or two releases running; both show as changes, so the next `up` finishes it.
   */
  closedSlots?: number[];
}

export type ReleaseCtx = { hosts: HostConnector; deploy?: DeployRun };

export async function observeRelease(ctx: ReleaseCtx, want: ReleaseInput): Promise<ObservedRelease | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const releases = await hostReleases(ssh, want);
  const route = await readRoute(ssh, want);
  if (releases.length === 0 && !route) return null;
  return {
    server: want.server,
    user: want.user,
    stack: want.stack,
    service: want.service,
    release: servingRelease(releases)?.release ?? null,
    route,
    releases,
    closedSlots: want.port === undefined ? [] : await closedSlots(ssh, want),
  };
}

/** What a killed switch left undone: the serving release's slot closed, or old releases still running. */
function unfinishedSwitch(have: ObservedRelease): Change[] {
  const serving = servingRelease(have.releases);
  if (!serving) return [];
  const slot = slotOf(serving);
  const closed = slot !== null && (have.closedSlots ?? []).includes(slot);
  const running = have.releases.filter((r) => r.running).length;
  return [...change("slot", closed ? "closed" : "open", "open"), ...change("running releases", running, 1)];
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

async function writeEnvFile(ssh: SshConnection, want: ReleaseInput): Promise<string> {
  const path = envFilePath(want.stack, want.service, want.release);
  await ssh.run(
    asRoot(want.user, ["install", "-d", "-m", "700", `${SLIPWAY_DIR}/env`]),
    "creating the env directory",
  );
  await ssh.run(asRoot(want.user, writePrivateFile(path)), "writing the env file", {
    stdin: envFile(want),
  });
  return path;
}

async function deploy(ctx: ReleaseCtx, want: ReleaseInput): Promise<ObservedRelease> {
  const ssh = await ctx.hosts.connect(want);
  await ensureImage(ssh, want);
  const envPath = await writeEnvFile(ssh, want);
  const target = {
    release: want.release,
    run: {
      image: want.image,
      port: want.port,
      envFile: envPath,
      command: want.command,
      memory: want.memory,
      cpus: want.cpus,
      runAs: want.runAs,
    },
    spec: JSON.stringify(composition(want)),
  };
  await rollout(ssh, want, target, "deploy", ctx.deploy ?? defaultRun());
  const observed = await observeRelease(ctx, want);
  if (!observed) throw new Error(`${want.service}: release ${want.release} vanished after the switch`);
  return observed;
}

export const release: ResourceKind<ReleaseInput, ObservedRelease, ReleaseCtx> = {
  kind: "service.release",
  id: (r) => `${r.server}/${r.service}`,
  read: (ctx, _id, want) => observeRelease(ctx, want),
  find: (ctx, want) => observeRelease(ctx, want),

  diff(want, have): Change[] {
    const route = want.port !== undefined && want.domains.length > 0 ? wantedRouteShape(want) : null;
    const serving = have.releases.find((r) => r.release === have.release);
    const parts =
      have.release !== want.release && serving?.spec ? compositionChanges(serving.spec, want) : [];
    return [
      ...change("release", have.release, want.release),
      ...parts,
      ...change("route", have.route, route),
      ...(have.release === want.release ? unfinishedSwitch(have) : []),
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
    await ssh.exec(asRoot(have.user, dropSlotChain(slotChain(have.stack, have.service))));
    await ssh.exec(asRoot(have.user, ["rm", "-rf", serviceDir(have.stack, have.service)]));
  },
};
