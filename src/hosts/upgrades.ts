/**
 * host.upgrades: unattended security upgrades. apt's periodic settings switch the daily run on; slipway's
 * own file sets whether (and when) a host reboots when an update needs it. Both files are slipway's and
 * are compared whole.
 */
import { type Change, change } from "../engine/resource.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { aptInstall, decodeFile, emitFile, isInstalled, writeFile } from "./shell.ts";

export const PERIODIC_FILE = "/etc/apt/apt.conf.d/20auto-upgrades";
export const REBOOT_FILE = "/etc/apt/apt.conf.d/52slipway-unattended-upgrades";

export interface UpgradesInput extends HostRef {
  reboot: boolean;
  rebootTime: string;
}

export interface ObservedUpgrades extends ObservedOnHost {
  periodic: "on" | "off" | "modified";
  reboot: string;
}

export const PERIODIC_CONFIG =
  'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n';

export function rebootConfig(want: Pick<UpgradesInput, "reboot" | "rebootTime">): string {
  return [
    "// Managed by slipway; `slipway up` puts back any change.",
    `Unattended-Upgrade::Automatic-Reboot "${want.reboot}";`,
    `Unattended-Upgrade::Automatic-Reboot-Time "${want.rebootTime}";`,
    "",
  ].join("\n");
}

function rebootLabel(want: Pick<UpgradesInput, "reboot" | "rebootTime">): string {
  return want.reboot ? `at ${want.rebootTime} when needed` : "never";
}

export function probeUpgrades(): string {
  return [
    `if ! ${isInstalled("unattended-upgrades")}; then echo installed=0; exit 0; fi`,
    "echo installed=1",
    emitFile("periodic", PERIODIC_FILE),
    emitFile("reboot", REBOOT_FILE),
  ].join("\n");
}

export function parseUpgrades(fields: Map<string, string>, want: UpgradesInput): ObservedUpgrades | null {
  if (fields.get("installed") !== "1") return null;
  const periodic = decodeFile(fields, "periodic");
  const reboot = decodeFile(fields, "reboot");
  return {
    server: want.server,
    user: want.user,
    periodic: periodic === PERIODIC_CONFIG ? "on" : periodic === null ? "off" : "modified",
    reboot: reboot === null ? "not set" : reboot === rebootConfig(want) ? rebootLabel(want) : "modified",
  };
}

export function diffUpgrades(want: UpgradesInput, have: ObservedUpgrades): Change[] {
  return [
    ...change("security upgrades", have.periodic, "on"),
    ...change("reboot", have.reboot, rebootLabel(want)),
  ];
}

export function applyUpgrades(want: UpgradesInput): string {
  return [
    aptInstall(["unattended-upgrades"]),
    writeFile(PERIODIC_FILE, PERIODIC_CONFIG),
    writeFile(REBOOT_FILE, rebootConfig(want)),
  ].join("\n");
}

export const upgrades = hostSetting<UpgradesInput, ObservedUpgrades>({
  kind: "host.upgrades",
  probe: probeUpgrades,
  parse: parseUpgrades,
  diff: diffUpgrades,
  apply: applyUpgrades,
  describe: (want) => ({ server: want.server, "security upgrades": "daily", reboot: rebootLabel(want) }),
  remove: () => `rm -f ${REBOOT_FILE}\nprintf 'APT::Periodic::Unattended-Upgrade "0";\\n' > ${PERIODIC_FILE}`,
});
