/**
 * Servers on networks: the server actions attach_to_network, detach_from_network and change_alias_ips,
 * and planAttachment(), shared with server create (`networks: [id]`). A server gets the requested IP or
 * the lowest free one of a cloud/server subnet in its location's network zone (or of `ip_range`), with
 * the spec's operation errors: server_already_attached, ip_not_available, no_subnet_available and
 * networks_overlap. Alias IPs are recorded and must be free addresses of the network; as on Hetzner, the
 * server's OS configures them itself (only the primary private IP is handed out).
 */
import { cidrsOverlap } from "../../util/cidr.ts";
import { actionView } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { DATACENTERS, LOCATIONS } from "./catalog.ts";
import type { Handler } from "./context.ts";
import { ApiError, invalidField } from "./errors.ts";
import { idParam } from "./list-query.ts";
import { addressAvailable, chooseAddress, isIpv4 } from "./network-addressing.ts";
import { assertAllUnlocked, startRealizingActions } from "./network-realization.ts";
import { findNetwork } from "./network-routes.ts";
import type { Route } from "./router.ts";
import { findServer } from "./server-routes.ts";
import type { NetworkAttachment, NetworkRecord, ServerRecord, State, SubnetRecord } from "./state.ts";

export function networkZoneOf(datacenterId: number): string {
  const dc = DATACENTERS.find((d) => d.id === datacenterId);
  const zone = LOCATIONS.find((l) => l.name === dc?.location)?.network_zone;
  if (!zone) throw new Error(`datacenter ${datacenterId} has no network zone in the catalog`);
  return zone;
}

export interface AttachRequest {
  readonly ip?: string;
  readonly aliasIps?: readonly string[];
  readonly ipRange?: string;
}

const serverSubnet = (s: SubnetRecord) => s.type === "cloud" || s.type === "server";

/** The attachment a server would get; throws the operation's errors. Does not change state. */
export function planAttachment(
  state: State,
  server: { id: number; datacenterId: number },
  network: NetworkRecord,
  request: AttachRequest,
): NetworkAttachment {
  if (network.servers.some((a) => a.serverId === server.id))
    throw new ApiError(
      "server_already_attached",
      `server ${server.id} is already attached to network ${network.id}`,
    );
  const others = state.networks.filter(
    (n) => n.id !== network.id && n.servers.some((a) => a.serverId === server.id),
  );
  const overlap = others.find((n) => cidrsOverlap(n.ip_range, network.ip_range));
  if (overlap)
    throw new ApiError(
      "networks_overlap",
      `network ${network.id} overlaps network ${overlap.id} the server is attached to`,
    );
  const zone = networkZoneOf(server.datacenterId);
  const ip = chooseAddress(network, zone, serverSubnet, "subnet", request);
  const aliasIps = [...(request.aliasIps ?? [])];
  checkAliasIps(network, aliasIps, [ip]);
  return { serverId: server.id, ip, aliasIps };
}

function checkAliasIps(network: NetworkRecord, aliasIps: readonly string[], taken: readonly string[]): void {
  for (const [i, alias] of aliasIps.entries()) {
    const field = `alias_ips[${i}]`;
    if (!isIpv4(alias)) throw invalidField(field, `${alias} is not a valid IPv4 address`);
    const free =
      !taken.includes(alias) &&
      aliasIps.indexOf(alias) === i &&
      network.subnets.some((s) => serverSubnet(s) && addressAvailable(network, s, alias));
    if (!free)
      throw new ApiError("ip_not_available", `alias IP ${alias} is not available in network ${network.id}`);
  }
}

function networkActionRefs(server: ServerRecord, network: NetworkRecord) {
  return [
    { id: server.id, type: "server" },
    { id: network.id, type: "network" },
  ];
}

const attach: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const server = findServer(state, idParam(req));
  const body = checkedBody(req, "/servers/{id}/actions/attach_to_network");
  const network = findNetwork(state, body.network as number);
  const refs = networkActionRefs(server, network);
  assertAllUnlocked(state, refs);
  network.servers.push(
    planAttachment(state, server, network, {
      ip: body.ip as string | undefined,
      aliasIps: body.alias_ips as string[] | undefined,
      ipRange: body.ip_range as string | undefined,
    }),
  );
  const [action] = startRealizingActions(ctx, [{ command: "attach_to_network", resources: refs }]);
  return { status: 201, body: { action: action && actionView(action) } };
};

function attachmentOf(state: State, serverId: number, networkId: number) {
  const network = findNetwork(state, networkId);
  const attachment = network.servers.find((a) => a.serverId === serverId);
  if (!attachment)
    throw invalidField("network", `server ${serverId} is not attached to network ${networkId}`);
  return { network, attachment };
}

const detach: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const server = findServer(state, idParam(req));
  const body = checkedBody(req, "/servers/{id}/actions/detach_from_network");
  const { network } = attachmentOf(state, server.id, body.network as number);
  const refs = networkActionRefs(server, network);
  assertAllUnlocked(state, refs);
  network.servers = network.servers.filter((a) => a.serverId !== server.id);
  const [action] = startRealizingActions(ctx, [{ command: "detach_from_network", resources: refs }]);
  return { status: 201, body: { action: action && actionView(action) } };
};

const changeAliasIps: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const server = findServer(state, idParam(req));
  const body = checkedBody(req, "/servers/{id}/actions/change_alias_ips");
  const { network, attachment } = attachmentOf(state, server.id, body.network as number);
  const refs = networkActionRefs(server, network);
  assertAllUnlocked(state, refs);
  const aliasIps = body.alias_ips as string[];
  const previous = attachment.aliasIps;
  attachment.aliasIps = []; // the server's own aliases may be given again
  try {
    checkAliasIps(network, aliasIps, [attachment.ip]);
  } catch (error) {
    attachment.aliasIps = previous;
    throw error;
  }
  attachment.aliasIps = [...aliasIps];
  const [action] = startRealizingActions(ctx, [{ command: "change_alias_ips", resources: refs }]);
  return { status: 201, body: { action: action && actionView(action) } };
};

/** The server's `private_net`: one entry per attached network, with a MAC stable per server and network. */
export function privateNetView(state: State, serverId: number) {
  return state.networks.flatMap((n) =>
    n.servers
      .filter((a) => a.serverId === serverId)
      .map((a) => ({
        network: n.id,
        ip: a.ip,
        alias_ips: [...a.aliasIps],
        mac_address: macAddress(serverId, n.id),
      })),
  );
}

function macAddress(serverId: number, networkId: number): string {
  const bytes = [0x86, 0x00, (serverId >> 8) & 255, serverId & 255, (networkId >> 8) & 255, networkId & 255];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

export const networkAttachRoutes: Route<Handler>[] = [
  { method: "POST", template: "/servers/{id}/actions/attach_to_network", handler: attach },
  { method: "POST", template: "/servers/{id}/actions/detach_from_network", handler: detach },
  { method: "POST", template: "/servers/{id}/actions/change_alias_ips", handler: changeAliasIps },
];
