/**
 * A service's route in Caddy and its slot ports. The route lists both slots and is written only when
 * it differs from what the stack wants (first deploy, new domains or health path): an ordinary release
 * leaves Caddy's config alone, so no client connection is closed by a reload.
 */

import { sameValue } from "../engine/resource.ts";
import { asRoot } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { caddy, caddyRequest } from "./caddy-admin.ts";
import { ROUTES_PATH, routeId, serviceRoute } from "./commands/caddy.ts";
import {
  ensureSlots,
  listSlotRules,
  parseClosedSlots,
  parseSlots,
  slotChain,
  slotSeed,
} from "./commands/slots.ts";
import type { ReleaseInput } from "./release.ts";

export const SLOT_PLACEHOLDER = "(slot)";

/**
 * How often Caddy checks each slot. Short, because a switch waits for Caddy to see the new slot pass
 * (and the old one fail) before the next step; two small GETs a second per service cost nothing.
 */
export const SLOT_CHECK_INTERVAL_MS = 200;
/** Long enough for one check to have run and been answered since a slot opened or closed. */
export const SLOT_SETTLE_MS = SLOT_CHECK_INTERVAL_MS + 150;

export function routeFor(want: ReleaseInput, slots: readonly string[]): Record<string, unknown> {
  const health = want.healthcheck.command
    ? undefined
    : {
        path: want.healthcheck.path,
        intervalMs: SLOT_CHECK_INTERVAL_MS,
        timeoutMs: want.healthcheck.timeout,
      };
  return serviceRoute(routeId(want.stack, want.service), want.domains, slots, {
    pathPrefix: want.pathPrefix,
    securityHeaders: want.securityHeaders,
    health,
  });
}

/** The wanted route with its slot ports as placeholders: what a plan compares, since the host picks the ports. */
export function wantedRouteShape(want: ReleaseInput): Record<string, unknown> {
  return routeFor(want, [SLOT_PLACEHOLDER, SLOT_PLACEHOLDER]);
}

type RouteShape = { handle?: { handler?: string; upstreams?: unknown[] }[] };

/** The observed route with its upstreams replaced by placeholders, comparable with wantedRouteShape. */
export function normalizeRoute(route: RouteShape): unknown {
  const handle = route.handle?.map((h) =>
    h.handler === "reverse_proxy"
      ? { ...h, upstreams: (h.upstreams ?? []).map(() => ({ dial: SLOT_PLACEHOLDER })) }
      : h,
  );
  return { ...route, handle };
}

/** Which service on which host, as the slot and route helpers need it. */
type ServiceRef = { user: string; stack: string; service: string };

/** The service's slot ports; `first` (a command line) runs before, in the same SSH round trip. */
export async function serviceSlots(
  ssh: SshConnection,
  want: ServiceRef,
  first?: string,
): Promise<[number, number]> {
  const slots = asRoot(
    want.user,
    ensureSlots(want.stack, want.service, slotSeed(`${want.stack}-${want.service}`)),
  );
  const out = await ssh.run(first ? `${first} && ${slots}` : slots, "choosing the service's slot ports");
  return parseSlots(out);
}

/** The slot ports the host's firewall keeps closed to Caddy. */
export async function closedSlots(ssh: SshConnection, want: ServiceRef): Promise<number[]> {
  const argv = listSlotRules(slotChain(want.stack, want.service));
  return parseClosedSlots(await ssh.run(asRoot(want.user, argv), "reading the slots' firewall"));
}

/** Caddy's route for the service with its upstreams as placeholders, or null when there is none. */
export async function readRoute(ssh: SshConnection, want: ServiceRef): Promise<unknown> {
  const route = await caddyRequest(ssh, "GET", `/id/${routeId(want.stack, want.service)}`);
  return route.status === 200 ? normalizeRoute(JSON.parse(route.body) as RouteShape) : null;
}

export async function ensureRoute(
  ssh: SshConnection,
  want: ReleaseInput,
  slots: readonly number[],
): Promise<void> {
  const route = routeFor(
    want,
    slots.map((p) => `127.0.0.1:${p}`),
  );
  await putRoute(ssh, routeId(want.stack, want.service), route);
}

/** Writes a route to Caddy unless it already holds exactly that one. */
export async function putRoute(
  ssh: SshConnection,
  id: string,
  route: Record<string, unknown>,
): Promise<void> {
  const existing = await caddyRequest(ssh, "GET", `/id/${id}`);
  if (existing.status === 200) {
    if (sameValue(JSON.parse(existing.body), route)) return;
    await caddy(ssh, "PATCH", `/id/${id}`, "updating the route", route);
  } else await caddy(ssh, "POST", ROUTES_PATH, "adding the route", route);
}
