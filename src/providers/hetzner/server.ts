/**
 * hetzner.server: a cloud server. Image and location cannot change in place (replace); the type changes
 * in place (power off, change_type, power on) as in Terraform's hcloud provider; name and labels by PUT;
 * a server found powered off is powered on. user_data only matters at creation — later changes to what
 * it set up are made over SSH by host resources — so it is not diffed. The SSH host key slipway
 * generated for the server is part of its observed state: it is what every connection is checked against.
 */
import { change, type ResourceKind } from "../../engine/resource.ts";
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
    return found ? fromApiServer(found, want.hostKey) : null;
  },

  diff(want, have) {
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("serverType", have.serverType, want.serverType),
      ...change("image", have.image, want.image, { forcesReplace: true }),
      ...change("location", have.location, want.location, { forcesReplace: true }),
      ...change("status", have.status, "running"),
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
      },
    });
    const created = ensure(result, `create server ${want.name}`);
    await waitForActions(
      ctx.hetzner,
      [created.action, ...created.next_actions],
      `create server ${want.name}`,
    );
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
