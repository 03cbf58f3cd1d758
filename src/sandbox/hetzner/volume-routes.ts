/**
 * /volumes: list (name, label_selector, status, sort id/name/created, pagination), get, create, update
 * (name, labels) and delete. A create takes 10-10240 GB, a name of up to 64 alphanumerics, dashes,
 * underscores and dots, an optional filesystem (ext4 or xfs) and either a location or a server to
 * attach to (the volume then lives in the server's location and next_actions holds attach_volume;
 * automount needs the server). It stays `creating` until its create_volume action ends. A delete is
 * refused while the volume is protected or attached.
 */
import { actionView, assertUnlocked } from "./actions.ts";
import { checkedBody } from "./body.ts";
import { DATACENTERS, LOCATIONS } from "./catalog.ts";
import { commit, type Handler } from "./context.ts";
import { ApiError, invalidField, notFound, uniquenessError } from "./errors.ts";
import { enumParams, idParam, listResponse } from "./list-query.ts";
import type { VolumeRecord } from "./load-balancer-model.ts";
import type { Route } from "./router.ts";
import { type State, takeId, timestamp } from "./state.ts";
import { assertRoomOnServer, runVolumeEffects, serverForVolume, type VolumeStep } from "./volume-actions.ts";
import { volumeView } from "./volume-view.ts";

export const MIN_VOLUME_GB = 10;
export const MAX_VOLUME_GB = 10240;
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const FORMATS = ["ext4", "xfs"] as const;

export function findVolume(state: State, id: number): VolumeRecord {
  const volume = state.volumes.find((v) => v.id === id);
  if (!volume) throw notFound(`Volume with ID ${id}`);
  return volume;
}

function checkName(state: State, name: string, except?: number): void {
  if (!NAME.test(name))
    throw invalidField(
      "name",
      "must be 1-64 alphanumerics, dashes, underscores and dots, starting and ending alphanumeric",
    );
  if (state.volumes.some((v) => v.name === name && v.id !== except))
    throw uniquenessError("volume name is already used", "name");
}

function locationOf(body: Record<string, unknown>, serverLocation: number | null): number {
  const ref = body.location as string | undefined;
  if (ref === undefined) {
    if (serverLocation === null) throw invalidField("location", "either location or server is required");
    return serverLocation;
  }
  const location = /^\d+$/.test(ref)
    ? LOCATIONS.find((l) => l.id === Number(ref))
    : LOCATIONS.find((l) => l.name === ref);
  if (!location) throw invalidField("location", `location ${ref} not found`);
  if (serverLocation !== null && serverLocation !== location.id)
    throw invalidField("location", "the server is in another location than the one given");
  return location.id;
}

const list: Handler = (req, ctx) => {
  const statuses = enumParams(req.query, "status", ["available", "creating"]);
  return listResponse(req, ctx.store.state.volumes, {
    key: "volumes",
    view: volumeView,
    name: (v) => v.name,
    labels: (v) => v.labels,
    sort: { id: (v) => v.id, name: (v) => v.name, created: (v) => v.created },
    filters: statuses.length === 0 ? [] : [(v) => statuses.includes(v.status)],
  });
};

const get: Handler = (req, ctx) => ({
  status: 200,
  body: { volume: volumeView(findVolume(ctx.store.state, idParam(req))) },
});

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/volumes");
  const state = ctx.store.state;
  const name = body.name as string;
  checkName(state, name);
  const size = body.size as number;
  if (size < MIN_VOLUME_GB || size > MAX_VOLUME_GB)
    throw invalidField("size", `must be from ${MIN_VOLUME_GB} to ${MAX_VOLUME_GB} GB`);
  const format = body.format as VolumeRecord["format"] | undefined;
  if (format !== undefined && !FORMATS.includes(format as (typeof FORMATS)[number]))
    throw invalidField("format", `Must be one of: ${FORMATS.join(", ")}.`);
  const server = body.server === undefined ? null : serverForVolume(state, body.server as number);
  if (body.automount === true && !server)
    throw invalidField("automount", "automount needs a server to attach to");
  const serverLocation = server
    ? (LOCATIONS.find((l) => l.name === DATACENTERS.find((d) => d.id === server.datacenterId)?.location)
        ?.id ?? null)
    : null;
  const locationId = locationOf(body, serverLocation);
  if (server) assertRoomOnServer(state, server.id);
  const volume: VolumeRecord = {
    id: takeId(state, "volume"),
    name,
    created: timestamp(),
    size,
    locationId,
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    protection: { delete: false },
    status: "creating",
    format: format ?? null,
    serverId: server?.id ?? null,
    automount: body.automount === true,
  };
  state.volumes.push(volume);
  const ref = { id: volume.id, type: "volume" };
  const steps: VolumeStep[] = [
    {
      command: "create_volume",
      resources: [ref],
      effect: async () => {
        await ctx.volumeDriver?.create(volume.id, volume.format);
        volume.status = "available";
      },
    },
  ];
  if (server)
    steps.push({
      command: "attach_volume",
      resources: [ref, { id: server.id, type: "server" }],
      effect: async () => ctx.volumeDriver?.attach(volume.id, server.id),
      undo: () => {
        volume.serverId = null;
      },
    });
  const [action, ...next] = runVolumeEffects(ctx, steps);
  return {
    status: 201,
    body: {
      volume: volumeView(volume),
      action: action && actionView(action),
      next_actions: next.map(actionView),
    },
  };
};

const update: Handler = (req, ctx) => {
  const volume = findVolume(ctx.store.state, idParam(req));
  const body = checkedBody(req, "/volumes/{id}");
  if (typeof body.name === "string") {
    checkName(ctx.store.state, body.name, volume.id);
    volume.name = body.name;
  }
  if (body.labels) volume.labels = body.labels as Record<string, string>;
  commit(ctx);
  return { status: 200, body: { volume: volumeView(volume) } };
};

const remove: Handler = (req, ctx) => {
  const state = ctx.store.state;
  const volume = findVolume(state, idParam(req));
  assertUnlocked(state, { id: volume.id, type: "volume" }, `volume ${volume.id}`);
  if (volume.protection.delete)
    throw new ApiError("protected", `volume ${volume.id} is protected against deletion`);
  if (volume.serverId !== null)
    throw invalidField(
      "server",
      `volume ${volume.id} is attached to server ${volume.serverId}: detach it first`,
    );
  state.volumes = state.volumes.filter((v) => v.id !== volume.id);
  commit(ctx);
  ctx.background(async () => ctx.volumeDriver?.destroy(volume.id));
  return { status: 204 };
};

export const volumeRoutes: Route<Handler>[] = [
  { method: "GET", template: "/volumes", handler: list },
  { method: "POST", template: "/volumes", handler: create },
  { method: "GET", template: "/volumes/{id}", handler: get },
  { method: "PUT", template: "/volumes/{id}", handler: update },
  { method: "DELETE", template: "/volumes/{id}", handler: remove },
];
