/**
 * The gateway of a swarm service on a web server: a small Caddy on the swarm's overlay network that
 * reaches the service's tasks (see compose.ts), published on a fixed loopback port, and the host
 * Caddy's route to it. Both change only when the service's port, domains or the proxy image do.
 */
import { createHash } from "node:crypto";
import { asRoot, type HostConnector, type HostRef } from "../../hosts/connector.ts";
import { caddyRequest } from "../caddy-admin.ts";
import { routeId, serviceRoute } from "../commands/caddy.ts";
import { ensureSlots, parseSlots, slotSeed } from "../commands/slots.ts";
import { normalizeRoute, putRoute } from "../route.ts";
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

export async function readGateway(
  ctx: Ctx,
  ref: HostRef,
  want: GatewayWant,
): Promise<ObservedGateway | null> {
  if (!ctx.hosts.server(ref)) return null;
  const ssh = await ctx.hosts.connect(ref);
  const [running = "", config = ""] = (
    await ssh.run(asRoot(ref.user, inspectGateway(want.stack, want.service)), "inspecting the gateway")
  )
    .trim()
    .split(" ");
  const route = await caddyRequest(ssh, "GET", `/id/${routeId(want.stack, want.service)}`);
  const routeJson =
    route.status === 200 ? (JSON.parse(route.body) as Parameters<typeof normalizeRoute>[0]) : null;
  if (!running && !routeJson) return null;
  return {
    server: ref.server,
    running: running === "true",
    config: config || null,
    route: routeJson && normalizeRoute(routeJson),
  };
}

export async function ensureGateway(ctx: Ctx, ref: HostRef, want: GatewayWant): Promise<void> {
  const ssh = await ctx.hosts.connect(ref);
  const [port] = parseSlots(
    await ssh.run(
      asRoot(ref.user, ensureSlots(want.stack, want.service, slotSeed(`${want.stack}-${want.service}`))),
      "choosing the gateway's port",
    ),
  );
  const hash = configHash(want);
  const [running = "", config = ""] = (
    await ssh.run(asRoot(ref.user, inspectGateway(want.stack, want.service)), "inspecting the gateway")
  )
    .trim()
    .split(" ");
  if (running !== "true" || config !== hash) {
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
