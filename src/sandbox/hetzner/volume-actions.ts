/**
 * POST /volumes/{id}/actions/*: attach (a server in the volume's location, at most 16 volumes per
 * server, volume_already_attached while attached anywhere), detach, resize (grow only, up to 10240 GB)
 * and change_protection. State changes at once; the action ends when the volume driver has moved the
 * storage, or `error` with the driver's message and the attachment as it was. Resizing changes no storage: a sandbox volume
 * is a directory on the host and has no size of its own (docs/sandbox.md).
 */
import { actionView, assertUnlocked, finishAction, type ResourceRef, startAction } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { DATACENTERS, LOCATIONS } from "./catalog.ts";
import { type Context, commit, type Handler } from "./context.ts";
import { ApiError, invalidField } from "./errors.ts";
import { idParam } from "./list-query.ts";
import type { VolumeRecord } from "./load-balancer-model.ts";
import type { Route } from "./router.ts";
import type { ActionRecord, ServerRecord, State } from "./state.ts";
import { findVolume, MAX_VOLUME_GB } from "./volume-routes.ts";

/** Hetzner attaches at most 16 volumes to a server. */
export const VOLUMES_PER_SERVER = 16;

export interface VolumeStep {
  readonly command: string;
  readonly resources: readonly ResourceRef[];
  readonly effect: () => Promise<void>;
  /** Puts the record back when the effect fails, so the API never claims what the storage did not do. */
  readonly undo?: () => void;
}

/**
 * Starts one action per step and runs the effects in order in the background; a failed step fails it
 * and every later one. Returns the actions in step order.
 */
export function runVolumeEffects(ctx: Context, steps: readonly VolumeStep[]): ActionRecord[] {
  const state = ctx.store.state;
  const actions = steps.map((s) => startAction(state, s.command, s.resources));
  commit(ctx);
  ctx.background(async () => {
    let failure: string | null = null;
    for (const [i, step] of steps.entries()) {
      if (failure === null) {
        try {
          await step.effect();
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
          if (!ctx.closed) step.undo?.();
        }
      }
      if (ctx.closed) return;
      const action = actions[i];
      if (action) finishAction(action, failure === null ? null : { code: "action_failed", message: failure });
      commit(ctx);
    }
  });
  return actions;
}

export function serverForVolume(state: State, id: number, field = "server"): ServerRecord {
  const server = state.servers.find((s) => s.id === id);
  if (!server) throw invalidField(field, `server ${id} not found`);
  return server;
}

function locationIdOfServer(server: Pick<ServerRecord, "datacenterId">): number | undefined {
  const dc = DATACENTERS.find((d) => d.id === server.datacenterId);
  return LOCATIONS.find((l) => l.name === dc?.location)?.id;
}

export function assertRoomOnServer(state: State, serverId: number): void {
  if (state.volumes.filter((v) => v.serverId === serverId).length >= VOLUMES_PER_SERVER)
    throw new ApiError(
      "resource_limit_exceeded",
      `server ${serverId} already has ${VOLUMES_PER_SERVER} volumes attached`,
    );
}

type Change = (volume: VolumeRecord, body: Record<string, unknown>, ctx: Context) => VolumeStep;

function action(name: string, change: Change): Route<Handler> {
  const template = `/volumes/{id}/actions/${name}`;
  return {
    method: "POST",
    template,
    handler: (req, ctx) => {
      const volume = findVolume(ctx.store.state, idParam(req));
      const body = checkedBody(req, template);
      assertUnlocked(ctx.store.state, { id: volume.id, type: "volume" }, `volume ${volume.id}`);
      const [started] = runVolumeEffects(ctx, [change(volume, body, ctx)]);
      return { status: 201, body: { action: started && actionView(started) } };
    },
  };
}

const attach: Change = (volume, body, ctx) => {
  const state = ctx.store.state;
  const server = serverForVolume(state, body.server as number);
  if (volume.serverId !== null)
    throw new ApiError(
      "volume_already_attached",
      `volume ${volume.id} is already attached to server ${volume.serverId}: detach it first`,
    );
  if (locationIdOfServer(server) !== volume.locationId)
    throw invalidField("server", `server ${server.id} is not in the location of volume ${volume.id}`);
  assertUnlocked(state, { id: server.id, type: "server" }, `server ${server.id}`);
  assertRoomOnServer(state, server.id);
  volume.serverId = server.id;
  volume.automount = body.automount === true;
  return {
    command: "attach_volume",
    resources: [
      { id: volume.id, type: "volume" },
      { id: server.id, type: "server" },
    ],
    effect: async () => ctx.volumeDriver?.attach(volume.id, server.id),
    undo: () => {
      volume.serverId = null;
    },
  };
};

const detach: Change = (volume, _body, ctx) => {
  const serverId = volume.serverId;
  if (serverId === null) throw invalidField("server", `volume ${volume.id} is not attached to a server`);
  volume.serverId = null;
  return {
    command: "detach_volume",
    resources: [
      { id: volume.id, type: "volume" },
      { id: serverId, type: "server" },
    ],
    effect: async () => ctx.volumeDriver?.detach(volume.id),
    undo: () => {
      volume.serverId = serverId;
    },
  };
};

const resize: Change = (volume, body) => {
  const size = body.size as number;
  if (!Number.isInteger(size)) throw invalidField("size", "Not a valid integer.");
  if (size <= volume.size)
    throw invalidField(
      "size",
      `must be greater than the current size of ${volume.size} GB: volumes only grow`,
    );
  if (size > MAX_VOLUME_GB) throw invalidField("size", `must be at most ${MAX_VOLUME_GB} GB`);
  volume.size = size;
  return { command: "resize_volume", resources: [{ id: volume.id, type: "volume" }], effect: async () => {} };
};

const changeProtection: Change = (volume, body) => {
  if (typeof body.delete === "boolean") volume.protection.delete = body.delete;
  return {
    command: "change_protection",
    resources: [{ id: volume.id, type: "volume" }],
    effect: async () => {},
  };
};

export const volumeActionRoutes: Route<Handler>[] = [
  action("attach", attach),
  action("detach", detach),
  action("resize", resize),
  action("change_protection", changeProtection),
];

/**
 * The volumes a server create names, checked as an attach checks them (in the server's location,
 * detached, not locked, at most 16). The caller attaches them once the server record exists.
 */
export function planServerVolumes(
  state: State,
  ids: readonly number[] | undefined,
  datacenterId: number,
): VolumeRecord[] {
  const locationId = locationIdOfServer({ datacenterId });
  const volumes = (ids ?? []).map((id, i) => {
    const volume = state.volumes.find((v) => v.id === id);
    if (!volume) throw invalidField("volumes", `volume ${id} not found`);
    if (ids?.indexOf(id) !== i) throw invalidField("volumes", `volume ${id} is given more than once`);
    if (volume.serverId !== null)
      throw new ApiError(
        "volume_already_attached",
        `volume ${id} is already attached to server ${volume.serverId}`,
      );
    if (volume.locationId !== locationId)
      throw invalidField("volumes", `volume ${id} is in another location than the server`);
    assertUnlocked(state, { id, type: "volume" }, `volume ${id}`);
    return volume;
  });
  if (volumes.length > VOLUMES_PER_SERVER)
    throw invalidField("volumes", `a server takes at most ${VOLUMES_PER_SERVER} volumes`);
  return volumes;
}
