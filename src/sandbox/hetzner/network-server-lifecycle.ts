/**
 * What a server's create and delete do to networks, firewalls, placement groups and primary IPs.
 * prepareServerExtras() checks every reference of a POST /servers body (`networks`, `firewalls`,
 * `placement_group`, `public_net`) before anything changes, so a refused create leaves no trace, and
 * returns the changes to commit once the server record exists. releaseServer() undoes them on delete:
 * the server leaves its networks, firewalls and group, and its primary IPs follow their auto_delete.
 */

import { cidrsOverlap } from "../../util/cidr.ts";
import { ApiError, invalidField } from "./errors.ts";
import type { Ipv4Range } from "./ip-pool.ts";
import { releaseServerFromLoadBalancers } from "./load-balancer-targets.ts";
import { planAttachment } from "./network-attach.ts";
import { assertRoomFor } from "./placement-group-routes.ts";
import { type PublicNetRequest, planServerIpv4, releasePrimaryIps } from "./primary-ip-assignment.ts";
import type { NetworkAttachment, NetworkRecord, ServerRecord, State } from "./state.ts";
import { releaseServerVolumes } from "./volume-view.ts";

export interface ServerExtras {
  /** The server's public IPv4, or null without one. */
  readonly ipv4: string | null;
  commit(server: ServerRecord): void;
}

function networksOf(state: State, ids: readonly number[], datacenterId: number) {
  const planned: { network: NetworkRecord; attachment: NetworkAttachment }[] = [];
  for (const [i, id] of ids.entries()) {
    const network = state.networks.find((n) => n.id === id);
    if (!network) throw invalidField("networks", `network ${id} not found`);
    if (ids.indexOf(id) !== i) throw invalidField("networks", `network ${id} is given more than once`);
    const clash = planned.find((p) => cidrsOverlap(p.network.ip_range, network.ip_range));
    if (clash)
      throw new ApiError("networks_overlap", `networks ${clash.network.id} and ${network.id} overlap`);
    planned.push({ network, attachment: planAttachment(state, { id: 0, datacenterId }, network, {}) });
  }
  return planned;
}

export function prepareServerExtras(
  state: State,
  pool: Ipv4Range,
  body: Record<string, unknown>,
  datacenterId: number,
): ServerExtras {
  const networks = networksOf(state, (body.networks as number[] | undefined) ?? [], datacenterId);
  const firewallIds = ((body.firewalls as { firewall: number }[] | undefined) ?? []).map((f) => f.firewall);
  for (const [i, id] of firewallIds.entries()) {
    if (!state.firewalls.some((f) => f.id === id))
      throw invalidField("firewalls", `firewall ${id} not found`);
    if (firewallIds.indexOf(id) !== i)
      throw new ApiError("server_already_added", `firewall ${id} is given more than once`);
  }
  const pgId = body.placement_group as number | undefined;
  const pg = pgId === undefined ? undefined : state.placementGroups.find((p) => p.id === pgId);
  if (pgId !== undefined && !pg) throw invalidField("placement_group", `placement group ${pgId} not found`);
  if (pg) assertRoomFor(pg);
  const ipv4 = planServerIpv4(state, pool, body.public_net as PublicNetRequest | undefined, datacenterId);
  if (ipv4.ip === null && firewallIds.length > 0)
    throw new ApiError("private_net_only_server", "firewalls need a server with a public IPv4");
  return {
    ipv4: ipv4.ip,
    commit(server) {
      ipv4.commit(server);
      for (const { network, attachment } of networks)
        network.servers.push({ ...attachment, serverId: server.id });
      for (const id of firewallIds)
        state.firewalls.find((f) => f.id === id)?.appliedTo.push({ type: "server", serverId: server.id });
      pg?.servers.push(server.id);
    },
  };
}

export function releaseServer(state: State, serverId: number): void {
  for (const n of state.networks) n.servers = n.servers.filter((a) => a.serverId !== serverId);
  for (const f of state.firewalls)
    f.appliedTo = f.appliedTo.filter((t) => !(t.type === "server" && t.serverId === serverId));
  for (const p of state.placementGroups) p.servers = p.servers.filter((id) => id !== serverId);
  releasePrimaryIps(state, serverId);
  releaseServerFromLoadBalancers(state, serverId);
  releaseServerVolumes(state, serverId);
}
