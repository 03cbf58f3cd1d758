/**
 * Sandbox volumes as Docker volumes: one per Hetzner volume, labelled like everything the sandbox makes
 * (so `sandbox down` keeps it and `down --purge` removes it) and with the filesystem it was created
 * with, and shown to the server it is attached to through host-mounts.ts. A volume is a directory, not
 * a block device: it has no size limit of its own and cannot be formatted or mounted by hand inside the
 * VM; docs/sandbox.md lists these gaps.
 */
import { docker, inspectFormat } from "../docker.ts";
import type { VolumeAttachment, VolumeDriver } from "../hetzner/volume-driver.ts";
import { SANDBOX_LABEL } from "../layout.ts";
import {
  allVolumeMountPoints,
  ensureSharedRoot,
  machineMountDir,
  mountVolume,
  unmount,
  volumeDirName,
  volumeMountPoints,
} from "./host-mounts.ts";

export const VOLUME_LABEL = "dev.slipway.sandbox.volume-id";
export const FORMAT_LABEL = "dev.slipway.sandbox.volume-format";

export function dockerVolumeName(id: number): string {
  return `slipway-volume-${id}`;
}

/** docker volume create arguments. Pure, for tests. */
export function volumeCreateArgs(id: number, format: "ext4" | "xfs" | null): string[] {
  // biome-ignore format: one flag and its value per line
  return [
    "volume", "create",
    "--label", `${SANDBOX_LABEL}=1`,
    "--label", `${VOLUME_LABEL}=${id}`,
    "--label", `${FORMAT_LABEL}=${format ?? "raw"}`,
    dockerVolumeName(id),
  ];
}

export class DockerVolumeDriver implements VolumeDriver {
  private readonly root: string;

  /** `root`: the host directory holding one mount directory per machine (see host-mounts.ts). */
  constructor(root: string) {
    this.root = root;
  }

  async create(id: number, format: "ext4" | "xfs" | null): Promise<void> {
    if ((await inspectFormat(dockerVolumeName(id), "{{.Name}}")) !== null) return; // a retried create
    await docker(volumeCreateArgs(id, format));
  }

  private async dataDir(id: number): Promise<string> {
    const dir = await inspectFormat(dockerVolumeName(id), "{{.Mountpoint}}");
    if (dir === null)
      throw new Error(`volume ${id} has no storage (Docker volume ${dockerVolumeName(id)} is missing)`);
    return dir;
  }

  async attach(id: number, serverId: number): Promise<void> {
    await ensureSharedRoot(this.root);
    const source = await this.dataDir(id);
    const target = `${machineMountDir(this.root, serverId)}/${volumeDirName(id)}`;
    for (const point of await volumeMountPoints(this.root, id)) if (point !== target) await unmount(point);
    await mountVolume(this.root, serverId, id, source);
  }

  async detach(id: number): Promise<void> {
    for (const point of await volumeMountPoints(this.root, id)) await unmount(point);
  }

  async destroy(id: number): Promise<void> {
    await this.detach(id);
    await docker(["volume", "rm", "--force", dockerVolumeName(id)]);
  }

  async restore(attachments: readonly VolumeAttachment[]): Promise<void> {
    await ensureSharedRoot(this.root);
    const wanted = new Set(
      attachments.map((a) => `${machineMountDir(this.root, a.serverId)}/${volumeDirName(a.volumeId)}`),
    );
    for (const point of await allVolumeMountPoints(this.root)) if (!wanted.has(point)) await unmount(point);
    for (const a of attachments) await this.attach(a.volumeId, a.serverId);
  }
}
