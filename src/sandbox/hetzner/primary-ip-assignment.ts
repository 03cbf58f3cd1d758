/**
 * Primary IPs and servers: allocation from the public pool, assignment (a server's `publicIpv4` is its
 * assigned primary IPv4, kept on the server record so the machine driver and older state files need no
 * lookup), the API view, and what server create and delete do with them: a server created without
 * `public_net.ipv4` gets a new primary IP named `primary_ip-<id>` with auto_delete on, and on delete an
 * auto_delete IP goes with the server while the others are only unassigned.
 */
import { DATACENTERS } from "./catalog.ts";
import { datacenterView } from "./catalog-views.ts";
import { ApiError, invalidField } from "./errors.ts";
import { type Ipv4Range, nextFreeIpv4 } from "./ip-pool.ts";
import { defaultDnsPtr } from "./server-view.ts";
import { type PrimaryIpRecord, type ServerRecord, type State, takeId, timestamp } from "./state.ts";

export function primaryIpView(p: PrimaryIpRecord) {
  const datacenter = DATACENTERS.find((d) => d.id === p.datacenterId);
  if (!datacenter)
    throw new Error(`primary IP ${p.id} refers to datacenter ${p.datacenterId} the catalog lacks`);
  const dc = datacenterView(datacenter);
  return {
    id: p.id,
    name: p.name,
    labels: { ...p.labels },
    created: p.created,
    blocked: false,
    datacenter: dc,
    location: dc.location,
    ip: p.ip,
    dns_ptr: p.dnsPtr.map((d) => ({ ...d })),
    protection: { ...p.protection },
    type: p.type,
    auto_delete: p.autoDelete,
    assignee_type: "server" as const,
    assignee_id: p.assigneeId,
  };
}

/** The next free public IPv4 (never one a primary IP or a server holds); advances the pool's cursor. */
export function allocatePublicIpv4(state: State, pool: Ipv4Range): string {
  const used = new Set([
    ...state.primaryIps.map((p) => p.ip),
    ...state.servers.flatMap((s) => (s.publicIpv4 ? [s.publicIpv4] : [])),
  ]);
  const ip = nextFreeIpv4(pool, used, state.lastIpv4);
  if (ip === null) throw new ApiError("resource_unavailable", "no free public IPv4 left in the sandbox pool");
  state.lastIpv4 = ip;
  return ip;
}

export function assertCanTakeIpv4(state: State, server: ServerRecord): void {
  if (server.publicIpv4 !== null || state.primaryIps.some((p) => p.assigneeId === server.id))
    throw new ApiError("server_has_ipv4", `server ${server.id} already has an IPv4 address`);
}

export function assignPrimaryIp(state: State, record: PrimaryIpRecord, server: ServerRecord): void {
  for (const other of state.primaryIps) if (other.assigneeId === server.id) other.assigneeId = null;
  record.assigneeId = server.id;
  server.publicIpv4 = record.ip;
}

export function unassignPrimaryIp(state: State, record: PrimaryIpRecord): void {
  const server = state.servers.find((s) => s.id === record.assigneeId);
  if (server) server.publicIpv4 = null;
  record.assigneeId = null;
}

/** The server's `public_net.ipv4`, with the primary IP's id and reverse DNS when it has one. */
export function publicIpv4View(state: State, server: ServerRecord) {
  if (server.publicIpv4 === null) return null;
  const record = state.primaryIps.find((p) => p.assigneeId === server.id && p.ip === server.publicIpv4);
  const ptr = record?.dnsPtr.find((d) => d.ip === server.publicIpv4)?.dns_ptr;
  return {
    ...(record ? { id: record.id } : {}),
    ip: server.publicIpv4,
    blocked: false,
    dns_ptr: ptr ?? defaultDnsPtr(server.publicIpv4),
  };
}

export interface PublicNetRequest {
  readonly enable_ipv4?: boolean;
  readonly enable_ipv6?: boolean;
  readonly ipv4?: number | null;
  readonly ipv6?: number | null;
}

/**
 * What a new server's public IPv4 will be: an existing primary IP (`public_net.ipv4`, checked for type,
 * assignment and location), a new address, or none. Validates only; `commit` records the choice.
 */
export function planServerIpv4(
  state: State,
  pool: Ipv4Range,
  net: PublicNetRequest | undefined,
  datacenterId: number,
): { ip: string | null; commit: (server: ServerRecord) => void } {
  if (net?.ipv6 !== undefined && net.ipv6 !== null) {
    const v6 = state.primaryIps.find((p) => p.id === net.ipv6);
    if (!v6) throw invalidField("public_net.ipv6", `primary IP ${net.ipv6} not found`);
    throw new ApiError("primary_ip_version_mismatch", `primary IP ${v6.id} is not an IPv6 address`);
  }
  if (net?.ipv4 !== undefined && net.ipv4 !== null) {
    const record = state.primaryIps.find((p) => p.id === net.ipv4);
    if (!record) throw invalidField("public_net.ipv4", `primary IP ${net.ipv4} not found`);
    if (record.type !== "ipv4")
      throw new ApiError("primary_ip_version_mismatch", `primary IP ${record.id} is not an IPv4 address`);
    if (record.assigneeId !== null)
      throw new ApiError(
        "primary_ip_assigned",
        `primary IP ${record.id} is assigned to server ${record.assigneeId}`,
      );
    const location = (id: number) => DATACENTERS.find((d) => d.id === id)?.location;
    if (location(record.datacenterId) !== location(datacenterId))
      throw new ApiError("primary_ip_datacenter_mismatch", `primary IP ${record.id} is in another location`);
    return { ip: record.ip, commit: (server) => assignPrimaryIp(state, record, server) };
  }
  if (net?.enable_ipv4 === false) return { ip: null, commit: () => {} };
  const ip = allocatePublicIpv4(state, pool);
  return {
    ip,
    commit: (server) => {
      const id = takeId(state, "primaryIp");
      state.primaryIps.push({
        id,
        name: `primary_ip-${id}`,
        labels: {},
        created: timestamp(),
        type: "ipv4",
        ip,
        datacenterId,
        dnsPtr: [{ ip, dns_ptr: defaultDnsPtr(ip) }],
        protection: { delete: false },
        autoDelete: true,
        assigneeId: server.id,
      });
    },
  };
}

/** On server delete: auto_delete IPs go with it, the others stay unassigned. */
export function releasePrimaryIps(state: State, serverId: number): void {
  state.primaryIps = state.primaryIps.filter((p) => !(p.assigneeId === serverId && p.autoDelete));
  for (const p of state.primaryIps) if (p.assigneeId === serverId) p.assigneeId = null;
}
