/**
 * hetzner.server: a cloud server. Image and location cannot change in place (replace); the type changes
 * in place (power off, change_type, power on) as in Terraform's hcloud provider; name and labels by PUT;
 * a server found powered off is powered on. user_data only matters at creation — later changes to what
 * it set up are made over SSH by host resources — so it is not diffed. The SSH host key slipway
 * generated for the server is part of its observed state: it is what every connection is checked against.
 * Private networks are joined at creation (or by attach_to_network when a fixed address is asked for)
 * and attached/detached in place; a new placement group is joined powered off, as Hetzner requires.
 */
import { change, type ResourceKind } from "../../engine/resource.ts";
import { UserError } from "../../errors.ts";
import { waitForActions } from "./actions.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { ownershipSelector } from "./labels.ts";
import { sshKeyFingerprint } from "./ssh-key-fingerprint.ts";

export interface ServerInput {
  name: string;
  serverType: string;
  image: string;
  location: string;
  labels: Record<string, string>;
  /** Public keys for root (Hetzner SSH keys); each must exist in the project (hetzner.sshKey). */
  rootKeys: string[];
  userData: string;
  /** The host key user_data installs, as "ssh-ed25519 AAAA…". */
  hostKey: string;
  ipv6: boolean;
  /** Private networks to join, by network id, each with an optional fixed address. */
  networks?: ServerNetwork[];
  /** Id of the spread placement group to join. */
  placementGroup?: number | null;
}

export interface ServerNetwork {
  network: number;
  ip: string | null;
  /** The subnet to take an address from when `ip` is not fixed (default: Hetzner picks the first). */
  ipRange?: string;
}

export interface ObservedServer {
  id: number;
  name: string;
  status: string;
  serverType: string;
  image: string | null;
  location: string;
  labels: Record<string, string>;
  ipv4: string | null;
  ipv6: string | null;
  hostKey: string;
  networks: { network: number; ip: string }[];
  /** The addresses of `networks`: what a bastion and a swarm reach the server on. */
  privateIps: string[];
  placementGroup: number | null;
}

interface ApiServer {
  id: number;
  name: string;
  status: string;
  server_type: { name: string };
  image: { name?: string | null } | null;
  datacenter: { location: { name: string } };
  labels: Record<string, string>;
  public_net: { ipv4: { ip: string } | null; ipv6: { ip: string } | null };
  private_net?: { network?: number; ip?: string }[];
  placement_group?: { id: number } | null;
}

export function fromApiServer(server: ApiServer, hostKey: string): ObservedServer {
  return {
    id: server.id,
    name: server.name,
    status: server.status,
    serverType: server.server_type.name,
    image: server.image?.name ?? null,
    location: server.datacenter.location.name,
    labels: server.labels,
    ipv4: server.public_net.ipv4?.ip ?? null,
    ipv6: server.public_net.ipv6?.ip ?? null,
    hostKey,
    networks: (server.private_net ?? []).map((n) => ({ network: n.network ?? 0, ip: n.ip ?? "" })),
    privateIps: (server.private_net ?? []).flatMap((n) => (n.ip ? [n.ip] : [])),
    placementGroup: server.placement_group?.id ?? null,
  };
}

/** Networks as sorted keys; an address only counts when the stack fixes one. */
export function networkKeys(
  have: readonly { network: number; ip: string | null }[],
  want: readonly ServerNetwork[],
): { from: string[]; to: string[] } {
  const fixed = new Map(want.map((n) => [n.network, n.ip]));
  const key = (n: { network: number; ip: string | null }, ip: string | null) =>
    ip ? `${n.network}@${ip}` : String(n.network);
  return {
    from: have.map((n) => key(n, fixed.get(n.network) ? n.ip : null)).sort(),
    to: want.map((n) => key(n, n.ip)).sort(),
  };
}

type Ctx = { hetzner: HetznerClient };

async function getServer({ hetzner }: Ctx, id: number, hostKey: string): Promise<ObservedServer | null> {
  const result = await hetzner.GET("/servers/{id}", { params: { path: { id } } });
  if (isNotFound(result)) return null;
  const { server } = ensure(result, `read server ${id}`);
  return server ? fromApiServer(server, hostKey) : null;
}

async function serverAction(ctx: Ctx, id: number, name: string, action: "poweron" | "poweroff") {
  const result = await ctx.hetzner.POST(`/servers/{id}/actions/${action}`, { params: { path: { id } } });
  await waitForActions(
    ctx.hetzner,
    [ensure(result, `${action} server ${name}`).action],
    `${action} server ${name}`,
  );
}

/** Hetzner takes SSH keys by id or name; we know them by content, so look their ids up by fingerprint. */
async function sshKeyIds({ hetzner }: Ctx, keys: readonly string[]): Promise<string[]> {
  return Promise.all(
    keys.map(async (key) => {
      const fingerprint = sshKeyFingerprint(key);
      const found = ensure(
        await hetzner.GET("/ssh_keys", { params: { query: { fingerprint } } }),
        "look up SSH key",
      );
      const [match] = found.ssh_keys;
      if (!match) throw new Error(`SSH key ${fingerprint} is not in the Hetzner project`);
      return String(match.id);
    }),
  );
}

function networkChange(have: ObservedServer, want: readonly ServerNetwork[]) {
  const { from, to } = networkKeys(have.networks, want);
  return change("networks", from, to);
}

async function networkAction(
  ctx: Ctx,
  id: number,
  action: "attach_to_network" | "detach_from_network",
  body: { network: number; ip?: string; ip_range?: string },
  doing: string,
) {
  // The two actions' bodies differ only by the optional ip, which detach never gets.
  const result = await ctx.hetzner.POST(`/servers/{id}/actions/${action}`, {
    params: { path: { id } },
    body: body as { network: number },
  });
  await waitForActions(ctx.hetzner, [ensure(result, doing).action], doing);
}

function attachNetwork(ctx: Ctx, id: number, name: string, n: ServerNetwork) {
  const body = {
    network: n.network,
    ...(n.ip ? { ip: n.ip } : n.ipRange ? { ip_range: n.ipRange } : {}),
  };
  return networkAction(ctx, id, "attach_to_network", body, `attach server ${name} to network ${n.network}`);
}

/** Hetzner moves a server between placement groups only while it is off; update powers it on after. */
async function movePlacementGroup(ctx: Ctx, have: ObservedServer, want: ServerInput) {
  if (have.status !== "off") await serverAction(ctx, have.id, want.name, "poweroff");
  const path = { params: { path: { id: have.id } } };
  if (have.placementGroup !== null) {
    const doing = `remove server ${want.name} from its placement group`;
    const result = await ctx.hetzner.POST("/servers/{id}/actions/remove_from_placement_group", path);
    await waitForActions(ctx.hetzner, [ensure(result, doing).action], doing);
  }
  if (want.placementGroup) {
    const doing = `add server ${want.name} to placement group ${want.placementGroup}`;
    const result = await ctx.hetzner.POST("/servers/{id}/actions/add_to_placement_group", {
      ...path,
      body: { placement_group: want.placementGroup },
    });
    await waitForActions(ctx.hetzner, [ensure(result, doing).action], doing);
  }
}

/** Fails, naming the stack file's field, when the server type does not exist or can no longer be ordered. */
async function checkOrderable({ hetzner }: Ctx, want: ServerInput): Promise<void> {
  const result = await hetzner.GET("/server_types", { params: { query: { name: want.serverType } } });
  const [type] = ensure(result, `look up server type ${want.serverType}`).server_types;
  const field = `servers.${want.labels["slipway/group"] ?? want.name}.type`;
  const hint = "Pick a current type, e.g. cx22, cx32 or cpx21 (`hcloud server-type list` lists them).";
  if (!type) throw new UserError(`${field}: Hetzner has no server type "${want.serverType}"`, { hint });
  const until = type.deprecation?.unavailable_after;
  if (until && Date.parse(until) <= Date.now()) {
    throw new UserError(
      `${field}: server type ${want.serverType} can no longer be ordered (unavailable since ${until.slice(0, 10)})`,
      { hint },
    );
  }
}

export const server: ResourceKind<ServerInput, ObservedServer, Ctx> = {
  kind: "hetzner.server",
  id: (s) => String(s.id),

  read: (ctx, id, want) => getServer(ctx, Number(id), want.hostKey),
  canHost: (have) => have.status === "running",

  async find(ctx, want) {
    const result = await ctx.hetzner.GET("/servers", {
      params: { query: { label_selector: ownershipSelector(want.labels) } },
    });
    const [found] = ensure(result, `look up server ${want.name}`).servers;
    if (found) return fromApiServer(found, want.hostKey);
    // About to be created: a type Hetzner no longer sells fails now, before anything else is made.
    await checkOrderable(ctx, want);
    return null;
  },

  diff(want, have) {
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("serverType", have.serverType, want.serverType),
      ...change("image", have.image, want.image, { forcesReplace: true }),
      ...change("location", have.location, want.location, { forcesReplace: true }),
      ...change("status", have.status, "running"),
      ...(want.networks ? networkChange(have, want.networks) : []),
      ...(want.placementGroup !== undefined
        ? change("placementGroup", have.placementGroup, want.placementGroup)
        : []),
    ];
  },

  describe: (want) => ({
    name: want.name,
    serverType: want.serverType,
    image: want.image,
    location: want.location,
    labels: want.labels,
  }),

  async create(ctx, want) {
    const result = await ctx.hetzner.POST("/servers", {
      body: {
        name: want.name,
        server_type: want.serverType,
        image: want.image,
        location: want.location,
        labels: want.labels,
        ssh_keys: await sshKeyIds(ctx, want.rootKeys),
        user_data: want.userData,
        start_after_create: true,
        public_net: { enable_ipv4: true, enable_ipv6: want.ipv6 },
        // Only networks without a fixed address can be named at creation; the others are attached next.
        networks: (want.networks ?? []).filter((n) => !n.ip && !n.ipRange).map((n) => n.network),
        ...(want.placementGroup ? { placement_group: want.placementGroup } : {}),
      },
    });
    const created = ensure(result, `create server ${want.name}`);
    await waitForActions(
      ctx.hetzner,
      [created.action, ...created.next_actions],
      `create server ${want.name}`,
    );
    for (const n of (want.networks ?? []).filter((n) => n.ip || n.ipRange)) {
      await attachNetwork(ctx, created.server.id, want.name, n);
    }
    const observed = await getServer(ctx, created.server.id, want.hostKey);
    if (!observed) throw new Error(`server ${want.name} vanished right after it was created`);
    return observed;
  },

  async update(ctx, have, want, changes) {
    const changed = new Set(changes.map((c) => c.path));
    if (changed.has("name") || changed.has("labels")) {
      const result = await ctx.hetzner.PUT("/servers/{id}", {
        params: { path: { id: have.id } },
        body: { name: want.name, labels: want.labels },
      });
      ensure(result, `update server ${have.name}`);
    }
    if (changed.has("serverType")) {
      if (have.status !== "off") await serverAction(ctx, have.id, want.name, "poweroff");
      const result = await ctx.hetzner.POST("/servers/{id}/actions/change_type", {
        params: { path: { id: have.id } },
        body: { server_type: want.serverType, upgrade_disk: false },
      });
      const doing = `change type of server ${want.name} to ${want.serverType}`;
      await waitForActions(ctx.hetzner, [ensure(result, doing).action], doing);
    }
    if (changed.has("placementGroup")) await movePlacementGroup(ctx, have, want);
    if (changed.has("networks")) {
      const wanted = want.networks ?? [];
      const keep = new Set(networkKeys([], wanted).to);
      const keepKey = (n: { network: number; ip: string }) =>
        networkKeys(
          [n],
          wanted.filter((w) => w.network === n.network),
        ).from[0]!;
      for (const n of have.networks.filter((n) => !keep.has(keepKey(n)))) {
        await networkAction(
          ctx,
          have.id,
          "detach_from_network",
          { network: n.network },
          `detach server ${want.name} from network ${n.network}`,
        );
      }
      const kept = new Set(have.networks.filter((n) => keep.has(keepKey(n))).map((n) => n.network));
      for (const n of wanted.filter((n) => !kept.has(n.network)))
        await attachNetwork(ctx, have.id, want.name, n);
    }
    const current = await getServer(ctx, have.id, want.hostKey);
    if (current && current.status === "off") await serverAction(ctx, have.id, want.name, "poweron");
    const final = await getServer(ctx, have.id, want.hostKey);
    if (!final) throw new Error(`server ${want.name} vanished while it was being updated`);
    return final;
  },

  async delete(ctx, have) {
    const result = await ctx.hetzner.DELETE("/servers/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    const doing = `delete server ${have.name}`;
    await waitForActions(ctx.hetzner, [ensure(result, doing).action], doing);
  },
};
