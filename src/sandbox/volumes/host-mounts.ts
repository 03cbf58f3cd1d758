/**
 * How a sandbox volume reaches a running VM container. A container's mounts are fixed when it is
 * created, so each VM gets one directory of the host, <root>/<server id>, bind-mounted at its /mnt with
 * `rslave` propagation when the VM is made. <root> itself is a bind mount of itself marked shared, so a
 * mount made later on the host under <root>/<server id> propagates into the running VM: attaching a
 * volume is a host `mount --bind` of the volume's data directory at <root>/<server id>/HC_Volume_<id>,
 * which the VM sees at /mnt/HC_Volume_<id>, where Hetzner's automount puts it; detaching is an
 * unmount, which propagates the same way. Lazy unmounts (`-l`): a process inside the VM holding a file
 * open cannot block a detach, as it cannot on Hetzner, where the device just goes away.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { exec, run } from "../../util/exec.ts";

/** Where the VM sees its volume directory. */
export const VM_MOUNT_PARENT = "/mnt";

export function volumeDirName(volumeId: number): string {
  return `HC_Volume_${volumeId}`;
}

export function machineMountDir(root: string, serverId: number): string {
  return join(root, String(serverId));
}

/** The docker create arguments that give a VM its volume directory. Pure, for tests. */
export function vmVolumeArgs(root: string, serverId: number): string[] {
  return ["--volume", `${machineMountDir(root, serverId)}:${VM_MOUNT_PARENT}:rslave`];
}

export interface MountEntry {
  readonly mountPoint: string;
  /** Optional fields such as "shared:6" or "master:3". */
  readonly propagation: readonly string[];
}

/** /proc/self/mountinfo, parsed (mount points unescaped: `\040` is a space). */
export function parseMountInfo(text: string): MountEntry[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(" ");
      const dash = fields.indexOf("-");
      return {
        mountPoint: (fields[4] ?? "").replace(/\\([0-7]{3})/g, (_, octal: string) =>
          String.fromCharCode(Number.parseInt(octal, 8)),
        ),
        propagation: fields.slice(6, dash < 0 ? undefined : dash),
      };
    });
}

async function mounts(): Promise<MountEntry[]> {
  return parseMountInfo(await readFile("/proc/self/mountinfo", "utf8"));
}

/** Makes <root> a shared mount point (idempotent); VMs can only take `rslave` mounts from one. */
export async function ensureSharedRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  const entries = (await mounts()).filter((m) => m.mountPoint === root);
  if (entries.some((m) => m.propagation.some((p) => p.startsWith("shared:")))) return;
  if (entries.length === 0) await run(["mount", "--bind", root, root]);
  await run(["mount", "--make-rshared", root]);
}

/** Mount points under <root> of the volume's directory, on whichever machines have it. */
export async function volumeMountPoints(root: string, volumeId: number): Promise<string[]> {
  const suffix = `/${volumeDirName(volumeId)}`;
  return (await mounts())
    .map((m) => m.mountPoint)
    .filter((p) => p.startsWith(`${root}/`) && p.endsWith(suffix));
}

/** Every volume mount point under <root>. */
export async function allVolumeMountPoints(root: string): Promise<string[]> {
  return (await mounts())
    .map((m) => m.mountPoint)
    .filter((p) => p.startsWith(`${root}/`) && /\/HC_Volume_\d+$/.test(p));
}

export async function unmount(mountPoint: string): Promise<void> {
  await run(["umount", "-l", mountPoint]);
  await rmdir(mountPoint).catch(() => {}); // a directory the user filled stays, harmlessly
}

/** Bind-mounts `source` at <root>/<server>/HC_Volume_<id> unless already there. */
export async function mountVolume(
  root: string,
  serverId: number,
  volumeId: number,
  source: string,
): Promise<void> {
  const target = join(machineMountDir(root, serverId), volumeDirName(volumeId));
  if ((await volumeMountPoints(root, volumeId)).includes(target)) return;
  await mkdir(target, { recursive: true });
  await run(["mount", "--bind", source, target]);
}

/** Unmounts every volume of one machine and removes its directory (the machine is gone). */
export async function releaseMachine(root: string, serverId: number): Promise<void> {
  const dir = machineMountDir(root, serverId);
  for (const point of await allVolumeMountPoints(root)) if (point.startsWith(`${dir}/`)) await unmount(point);
  if (existsSync(dir)) {
    for (const entry of await readdir(dir)) await rmdir(join(dir, entry)).catch(() => {});
    await rmdir(dir).catch(() => {});
  }
}

/** Unmounts everything under <root> and <root> itself, so the directory can be deleted (purge). */
export async function releaseRoot(root: string): Promise<void> {
  if (!(await mounts()).some((m) => m.mountPoint === root || m.mountPoint.startsWith(`${root}/`))) return;
  await exec(["umount", "-R", "-l", root]);
}
