/**
 * The gateway of a swarm service on a web server: a small Caddy on the swarm's overlay network that
 * reaches the service's tasks (see compose.ts), published on a fixed loopback port, and the host
 * Caddy's route to it. Both change only when the service's port, domains or the proxy image do.
 */
import { createHash } from "node:crypto";
import { asRoot, type HostConnector, type HostRef } from "../../hosts/connector.ts";
import type { SshConnection } from "../../hosts/ssh.ts";
import { caddyRequest } from "../caddy-admin.ts";
import { routeId, serviceRoute } from "../commands/caddy.ts";
import { putRoute, readRoute, serviceSlots } from "../route.ts";
import { GATEWAY_DIR, gatewayConfigPath, inspectGateway, removeGateway, runGateway } from "./commands.ts";
import { gatewayConfig, swarmNetwork } from "./compose.ts";

export interface GatewayWant {
  stack: string;
  service: string;
  port?: number;
  domains: string[];
  pathPrefix?: string;
  securityHeaders: boolean;
  proxyImage: string;
}

type Ctx = { hosts: HostConnector };

export interface ObservedGateway {
  server: string;
  running: boolean;
  config: string | null;
  route: unknown;
}

export function configHash(want: GatewayWant): string {
  const config = JSON.stringify(gatewayConfig(want.stack, want.service, want.port ?? 0));
  return createHash("sha256").update(`${want.proxyImage}\n${config}`).digest("hex").slice(0, 12);
}

export function wantedRoute(want: GatewayWant, upstream: string): Record<string, unknown> {
  return serviceRoute(routeId(want.stack, want.service), want.domains, [upstream], {
    pathPrefix: want.pathPrefix,
    securityHeaders: want.securityHeaders,
  });
}

export const routed = (want: GatewayWant) => want.port !== undefined && want.domains.length > 0;

/** Whether the gateway container runs and the config hash it was started with (null: none). */
async function gatewayState(ssh: SshConnection, ref: HostRef, want: GatewayWant) {
  const out = await ssh.run(
    asRoot(ref.user, inspectGateway(want.stack, want.service)),
    "inspecting the gateway",
  );
  const [running = "", config = ""] = out.trim().split(" ");
  return running ? { running: running === "true", config: config || null } : null;
}

export async function readGateway(
  ctx: Ctx,
  ref: HostRef,
  want: GatewayWant,
): Promise<ObservedGateway | null> {
  if (!ctx.hosts.server(ref)) return null;
  const ssh = await ctx.hosts.connect(ref);
  const state = await gatewayState(ssh, ref, want);
  const route = await readRoute(ssh, { ...want, user: ref.user });
  if (!state && !route) return null;
  return { server: ref.server, running: state?.running ?? false, config: state?.config ?? null, route };
}

export async function ensureGateway(ctx: Ctx, ref: HostRef, want: GatewayWant): Promise<void> {
  const ssh = await ctx.hosts.connect(ref);
  // The first of the service's slot ports: fixed per host, so Caddy's route survives restarts.
  const [port] = await serviceSlots(ssh, { ...want, user: ref.user });
  const hash = configHash(want);
  const state = await gatewayState(ssh, ref, want);
  if (!state?.running || state.config !== hash) {
    await ssh.run(
      asRoot(ref.user, ["install", "-d", "-m", "755", GATEWAY_DIR]),
      "creating the gateway directory",
    );
    const path = gatewayConfigPath(want.stack, want.service);
    await ssh.run(
      asRoot(ref.user, ["sh", "-c", 'cat > "$1"', "write-gateway", path]),
      "writing the gateway config",
      {
        stdin: JSON.stringify(gatewayConfig(want.stack, want.service, want.port!)),
      },
    );
    await ssh.run(
      asRoot(
        ref.user,
        runGateway({
          stack: want.stack,
          service: want.service,
          image: want.proxyImage,
          network: swarmNetwork(want.stack),
          hostPort: port,
          configHash: hash,
        }),
      ),
      "starting the gateway",
      { timeoutMs: 10 * 60_000 },
    );
  }
  await putRoute(ssh, routeId(want.stack, want.service), wantedRoute(want, `127.0.0.1:${port}`));
}

/** Takes the route out of the host's Caddy, then removes the gateway and its config. */
export async function deleteGateway(ctx: Ctx, ref: HostRef, stack: string, service: string): Promise<void> {
  if (!ctx.hosts.server(ref)) return;
  const ssh = await ctx.hosts.connect(ref);
  await caddyRequest(ssh, "DELETE", `/id/${routeId(stack, service)}`);
  await ssh.exec(asRoot(ref.user, removeGateway(stack, service)));
}
