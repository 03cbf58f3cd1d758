/**
 * host.sysctl: kernel parameters from the stack, kept in /etc/sysctl.d (so they survive a reboot) and
 * set live. Observed are the live values, which is what matters. A host whose /proc/sys is read-only
 * (a container: its kernel belongs to someone else) keeps the file but cannot set values; there only
 * the file is compared, and the plan says so.
 */
import type { Change } from "../engine/resource.ts";
import { quote } from "../util/shell.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { decodeFile, emitFile, writeFile } from "./shell.ts";

export const SYSCTL_FILE = "/etc/sysctl.d/90-slipway.conf";

export interface SysctlInput extends HostRef {
  values: Record<string, string>;
}

export interface ObservedSysctl extends ObservedOnHost {
  /** Live values; null when the kernel's values cannot be set from this host. */
  live: Record<string, string> | null;
  file: "written" | "missing" | "modified";
}

export function sysctlFile(values: Record<string, string>): string {
  const lines = Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key} = ${value}`);
  return `# Managed by slipway; \`slipway up\` puts back any change.\n${lines.join("\n")}\n`;
}

/** sysctl prints multi-value parameters with tabs; compare them with single spaces. */
function normal(value: string): string {
  return value.trim().split(/\s+/).join(" ");
}

export const sysctl = hostSetting<SysctlInput, ObservedSysctl>({
  kind: "host.sysctl",
  probe: (want) =>
    [
      "if grep -qE '\\s/proc/sys\\s+\\S+\\s+ro[,\\s]' /proc/mounts; then echo writable=0; else echo writable=1; fi",
      ...Object.keys(want.values).map(
        (key) => `printf '%s=%s\\n' ${quote(`live.${key}`)} "$(sysctl -n ${quote(key)} 2>/dev/null)"`,
      ),
      emitFile("file", SYSCTL_FILE),
    ].join("\n"),
  parse: (fields, want) => {
    const file = decodeFile(fields, "file");
    return {
      server: want.server,
      user: want.user,
      live:
        fields.get("writable") === "1"
          ? Object.fromEntries(
              Object.keys(want.values).map((k) => [k, normal(fields.get(`live.${k}`) ?? "")]),
            )
          : null,
      file: file === null ? "missing" : file === sysctlFile(want.values) ? "written" : "modified",
    };
  },
  diff(want, have) {
    const changes: Change[] = [];
    if (have.file !== "written")
      changes.push({ path: SYSCTL_FILE, from: have.file, to: "written", forcesReplace: false });
    for (const [key, value] of Object.entries(want.values)) {
      const live = have.live?.[key];
      if (have.live && live !== normal(value))
        changes.push({ path: key, from: live || null, to: normal(value), forcesReplace: false });
    }
    return changes;
  },
  apply: (want) =>
    [
      writeFile(SYSCTL_FILE, sysctlFile(want.values)),
      "if ! grep -qE '\\s/proc/sys\\s+\\S+\\s+ro[,\\s]' /proc/mounts; then sysctl -q -p " +
        SYSCTL_FILE +
        "; fi",
    ].join("\n"),
  describe: (want) => ({ server: want.server, ...want.values }),
  remove: () => `rm -f ${SYSCTL_FILE}`,
});
