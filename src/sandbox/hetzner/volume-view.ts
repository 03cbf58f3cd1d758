/**
 * A volume record rendered as the API's Volume object. `linux_device` is the path Hetzner's udev rules
 * create on the server; the sandbox has no block devices (see docs/sandbox.md), but the API reports
 * the same path so configuration written for the cloud reads the same.
 */
import { LOCATIONS } from "./catalog.ts";
import { locationView } from "./catalog-views.ts";
import type { VolumeRecord } from "./load-balancer-model.ts";
import type { State } from "./state.ts";

export function linuxDevice(id: number): string {
  return `/dev/disk/by-id/scsi-0HC_Volume_${id}`;
}

export function volumeView(v: VolumeRecord) {
  const location = LOCATIONS.find((l) => l.id === v.locationId);
  if (!location) throw new Error(`volume ${v.id} has a location the catalog lacks`);
  return {
    id: v.id,
    created: v.created,
    name: v.name,
    server: v.serverId,
    location: locationView(location),
    size: v.size,
    linux_device: linuxDevice(v.id),
    protection: { ...v.protection },
    labels: { ...v.labels },
    status: v.status,
    format: v.format,
  };
}

/** Ids of the volumes attached to a server, for the server view. */
export function volumesOfServer(state: State, serverId: number): number[] {
  return state.volumes.filter((v) => v.serverId === serverId).map((v) => v.id);
}

/** What a server's delete does to its volumes: they stay, detached, as on Hetzner. */
export function releaseServerVolumes(state: State, serverId: number): void {
  for (const v of state.volumes) if (v.serverId === serverId) v.serverId = null;
}
