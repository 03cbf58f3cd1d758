/**
 * host.timezone: the hosts' time zone (cron schedules use it). Set with timedatectl where systemd runs,
 * otherwise by the two files timedatectl itself writes (/etc/localtime link, /etc/timezone).
 */
import { change } from "../engine/resource.ts";
import { quote } from "../util/shell.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { aptInstall, HAS_SYSTEMD } from "./shell.ts";

export interface TimezoneInput extends HostRef {
  timezone: string;
}

export interface ObservedTimezone extends ObservedOnHost {
  timezone: string;
}

/** Debian writes UTC as Etc/UTC; both name the same zone. */
export function canonicalZone(zone: string): string {
  return zone === "Etc/UTC" || zone === "UTC" || zone === "Etc/Universal" ? "UTC" : zone;
}

export const timezone = hostSetting<TimezoneInput, ObservedTimezone>({
  kind: "host.timezone",
  probe: () => `printf 'zone=%s\\n' "$(readlink /etc/localtime | sed 's|^.*/zoneinfo/||')"`,
  parse: (fields, want) => ({
    server: want.server,
    user: want.user,
    timezone: canonicalZone(fields.get("zone") || "UTC"),
  }),
  diff: (want, have) => change("timezone", have.timezone, canonicalZone(want.timezone)),
  apply: (want) => {
    const zone = quote(want.timezone);
    return [
      aptInstall(["tzdata"]),
      `test -f /usr/share/zoneinfo/${zone} || { echo "unknown time zone ${want.timezone}" >&2; exit 1; }`,
      `if ${HAS_SYSTEMD} && command -v timedatectl >/dev/null; then timedatectl set-timezone ${zone}; else ln -sfn /usr/share/zoneinfo/${zone} /etc/localtime && echo ${zone} > /etc/timezone; fi`,
    ].join("\n");
  },
  describe: (want) => ({ server: want.server, timezone: want.timezone }),
});
