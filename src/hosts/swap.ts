/**
 * host.swap: a swap file of the stack's size at /swapfile, on at boot through /etc/fstab. A host that
 * cannot switch swap on (a container, whose kernel belongs to someone else) gets neither file nor
 * fstab entry, and the plan says so instead of failing every run.
 */
import type { Change } from "../engine/resource.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";

export const SWAP_FILE = "/swapfile";

export interface SwapInput extends HostRef {
  sizeMiB: number;
}

export interface ObservedSwap extends ObservedOnHost {
  /** Size of /swapfile in MiB, 0 when absent. */
  sizeMiB: number;
  active: boolean;
  fstab: boolean;
  /** False in a container, where swap is the host kernel's business. */
  supported: boolean;
}

/** A container shares its host's kernel: cgroup or environment markers say so. */
const IN_CONTAINER =
  "[ -f /.dockerenv ] || [ -f /run/.containerenv ] || grep -qa 'container=' /proc/1/environ 2>/dev/null";

export function probeSwap(): string {
  return [
    `if ${IN_CONTAINER}; then echo supported=0; else echo supported=1; fi`,
    `printf 'size=%s\\n' "$(stat -c %s ${SWAP_FILE} 2>/dev/null || echo 0)"`,
    `if swapon --show=NAME --noheadings 2>/dev/null | grep -qx ${SWAP_FILE}; then echo active=1; else echo active=0; fi`,
    `if grep -qE '^${SWAP_FILE}\\s+none\\s+swap' /etc/fstab; then echo fstab=1; else echo fstab=0; fi`,
  ].join("\n");
}

export function diffSwap(want: SwapInput, have: ObservedSwap): Change[] {
  if (!have.supported) return [];
  const changes: Change[] = [];
  const add = (path: string, from: unknown, to: unknown) =>
    changes.push({ path, from, to, forcesReplace: false });
  if (have.sizeMiB !== want.sizeMiB)
    add("size", have.sizeMiB ? `${have.sizeMiB} MiB` : "none", `${want.sizeMiB} MiB`);
  if (!have.active) add("active", false, true);
  if (!have.fstab) add("/etc/fstab", "missing", "present");
  return changes;
}

export function applySwap(want: SwapInput): string {
  const bytes = want.sizeMiB * 1024 * 1024;
  return [
    `if ${IN_CONTAINER}; then exit 0; fi`,
    `if [ "$(stat -c %s ${SWAP_FILE} 2>/dev/null || echo 0)" != ${bytes} ]; then`,
    `  swapoff ${SWAP_FILE} 2>/dev/null || true`,
    `  rm -f ${SWAP_FILE}`,
    `  fallocate -l ${want.sizeMiB}M ${SWAP_FILE} || dd if=/dev/zero of=${SWAP_FILE} bs=1M count=${want.sizeMiB} status=none`,
    `  chmod 600 ${SWAP_FILE} && mkswap ${SWAP_FILE} >/dev/null`,
    "fi",
    `swapon --show=NAME --noheadings | grep -qx ${SWAP_FILE} || swapon ${SWAP_FILE}`,
    `grep -qE '^${SWAP_FILE}\\s+none\\s+swap' /etc/fstab || echo '${SWAP_FILE} none swap sw 0 0' >> /etc/fstab`,
  ].join("\n");
}

export const swap = hostSetting<SwapInput, ObservedSwap>({
  kind: "host.swap",
  probe: probeSwap,
  parse: (fields, want) => ({
    server: want.server,
    user: want.user,
    supported: fields.get("supported") === "1",
    sizeMiB: Math.round(Number(fields.get("size") ?? 0) / (1024 * 1024)),
    active: fields.get("active") === "1",
    fstab: fields.get("fstab") === "1",
  }),
  diff: diffSwap,
  apply: applySwap,
  describe: (want) => ({ server: want.server, file: SWAP_FILE, size: `${want.sizeMiB} MiB` }),
  remove: () =>
    [
      `swapoff ${SWAP_FILE} 2>/dev/null || true`,
      `sed -i '\\|^${SWAP_FILE}\\s|d' /etc/fstab`,
      `rm -f ${SWAP_FILE}`,
    ].join("\n"),
});
