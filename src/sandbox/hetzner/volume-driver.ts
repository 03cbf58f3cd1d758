/**
 * The boundary between the emulator's volume records and the storage that realizes them (in the
 * sandbox a Docker volume per Hetzner volume, bind-mounted into the server's machine,
 * src/sandbox/volumes/). A volume's data lives as long as the volume; attach and detach move it
 * between servers, so what one server wrote another reads after the move.
 */
export interface VolumeAttachment {
  readonly volumeId: number;
  readonly serverId: number;
}

export interface VolumeDriver {
  /** Creates the volume's storage; `format` is the filesystem it was created with, or null (raw). */
  create(id: number, format: "ext4" | "xfs" | null): Promise<void>;
  /** Makes the volume appear in the server's machine at /mnt/HC_Volume_<id>. */
  attach(id: number, serverId: number): Promise<void>;
  /** Removes the volume from whichever machine has it; a detached volume is not an error. */
  detach(id: number): Promise<void>;
  /** Deletes the volume and its data; a missing one is not an error. */
  destroy(id: number): Promise<void>;
  /**
   * After a restart: recreates the given attachments (mounts do not survive a reboot of the host) and
   * removes any other.
   */
  restore(attachments: readonly VolumeAttachment[]): Promise<void>;
}
