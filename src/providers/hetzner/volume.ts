/**
 * hetzner.volume: a block-storage volume attached to one server. It grows in place (resize) but never
 * shrinks: a smaller size is refused with an error naming the field, since the only way down is a new,
 * empty volume. The file system is chosen at creation and the API cannot change it, so another format
 * replaces the volume. Moving it to another server is a detach and an attach. `automount` only acts at
 * attach time and the API does not report it back, so it is not compared.
 */
import { change, type ResourceKind } from "../../engine/resource.ts";
import { UserError } from "../../errors.ts";
import { type ActionRef, waitForActions } from "./actions.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { ownershipSelector } from "./labels.ts";

export interface VolumeInput {
  name: string;
  /** GB, 10 to 10240. */
  size: number;
  format: "ext4" | "xfs";
  /** Id of the server to attach to; null leaves it detached. */
  server: number | null;
  /** Used when the server is not known yet: the volume must be in its server's location. */
  location: string;
  automount: boolean;
  labels: Record<string, string>;
}

export interface ObservedVolume {
  id: number;
  name: string;
  size: number;
  format: string | null;
  server: number | null;
  location: string;
  /** The device path on the server, e.g. /dev/disk/by-id/scsi-0HC_Volume_42. */
  linuxDevice: string;
  labels: Record<string, string>;
}

interface ApiVolume {
  id: number;
  name: string;
  size: number;
  format?: string | null;
  server: number | null;
  location: { name: string };
  linux_device: string;
  labels: Record<string, string>;
}

export function fromApiVolume(v: ApiVolume): ObservedVolume {
  return {
    id: v.id,
    name: v.name,
    size: v.size,
    format: v.format ?? null,
    server: v.server,
    location: v.location.name,
    linuxDevice: v.linux_device,
    labels: v.labels,
  };
}

type Ctx = { hetzner: HetznerClient };

async function getVolume({ hetzner }: Ctx, id: number): Promise<ObservedVolume | null> {
  const result = await hetzner.GET("/volumes/{id}", { params: { path: { id } } });
  if (isNotFound(result)) return null;
  return fromApiVolume(ensure(result, `read volume ${id}`).volume);
}

async function act(
  ctx: Ctx,
  id: number,
  action: "attach" | "detach" | "resize",
  body: object,
  doing: string,
) {
  const result = await ctx.hetzner.POST(`/volumes/{id}/actions/${action}`, {
    params: { path: { id } },
    // biome-ignore lint/suspicious/noExplicitAny: each action's body is checked by its caller below
    body: body as any,
  });
  const { action: ref } = ensure(result as { data?: { action: ActionRef }; response: Response }, doing);
  await waitForActions(ctx.hetzner, [ref], doing);
}

export const volume: ResourceKind<VolumeInput, ObservedVolume, Ctx> = {
  kind: "hetzner.volume",
  id: (v) => String(v.id),

  read: (ctx, id) => getVolume(ctx, Number(id)),

  async find(ctx, want) {
    const result = await ctx.hetzner.GET("/volumes", {
      params: { query: { label_selector: ownershipSelector(want.labels) } },
    });
    const [found] = ensure(result, `look up volume ${want.name}`).volumes;
    return found ? fromApiVolume(found) : null;
  },

  diff(want, have) {
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("size", have.size, want.size),
      ...change("format", have.format, want.format, { forcesReplace: true }),
      ...change("location", have.location, want.location, { forcesReplace: true }),
      ...change("server", have.server, want.server),
    ];
  },

  describe: (want) => ({
    name: want.name,
    size: want.size,
    format: want.format,
    server: want.server,
    location: want.location,
    labels: want.labels,
  }),

  async create(ctx, want) {
    const doing = `create volume ${want.name}`;
    const result = await ctx.hetzner.POST("/volumes", {
      body: {
        name: want.name,
        size: want.size,
        format: want.format,
        labels: want.labels,
        ...(want.server !== null
          ? { server: want.server, automount: want.automount }
          : { location: want.location }),
      },
    });
    const created = ensure(result, doing);
    await waitForActions(ctx.hetzner, [created.action, ...(created.next_actions ?? [])], doing);
    const observed = await getVolume(ctx, created.volume.id);
    if (!observed) throw new Error(`volume ${want.name} vanished right after it was created`);
    return observed;
  },

  async update(ctx, have, want, changes) {
    const changed = new Set(changes.map((c) => c.path));
    if (changed.has("size") && want.size < have.size) {
      throw new UserError(
        `size of volume ${want.name}: cannot shrink from ${have.size} GB to ${want.size} GB`,
        {
          hint: `Hetzner volumes only grow. Set size back to ${have.size} or more; to get a smaller volume, copy the data off, remove the volume from the stack, apply, and add it again.`,
        },
      );
    }
    if (changed.has("name") || changed.has("labels")) {
      const result = await ctx.hetzner.PUT("/volumes/{id}", {
        params: { path: { id: have.id } },
        body: { name: want.name, labels: want.labels },
      });
      ensure(result, `update volume ${have.name}`);
    }
    if (changed.has("size"))
      await act(ctx, have.id, "resize", { size: want.size }, `grow volume ${want.name}`);
    if (changed.has("server")) {
      // Read again: when the old server was replaced in this run, Hetzner already detached the volume.
      const current = await getVolume(ctx, have.id);
      if (current?.server != null) await act(ctx, have.id, "detach", {}, `detach volume ${want.name}`);
      if (want.server !== null) {
        const body = { server: want.server, automount: want.automount };
        await act(ctx, have.id, "attach", body, `attach volume ${want.name}`);
      }
    }
    const final = await getVolume(ctx, have.id);
    if (!final) throw new Error(`volume ${want.name} vanished while it was being updated`);
    return final;
  },

  async delete(ctx, have) {
    const current = await getVolume(ctx, have.id);
    if (!current) return;
    // Hetzner refuses to delete an attached volume.
    if (current.server !== null) await act(ctx, have.id, "detach", {}, `detach volume ${have.name}`);
    const result = await ctx.hetzner.DELETE("/volumes/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    if (!result.response.ok) ensure({ ...result, data: undefined }, `delete volume ${have.name}`);
  },
};
