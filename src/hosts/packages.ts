/**
 * host.packages: extra distribution packages the stack lists. Only missing ones are installed; packages
 * are never removed when the list shrinks (something else on the host may need them).
 */
import { change } from "../engine/resource.ts";
import { quote } from "../util/shell.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { aptInstall, isInstalled } from "./shell.ts";

export interface PackagesInput extends HostRef {
  packages: string[];
}

export interface ObservedPackages extends ObservedOnHost {
  installed: string[];
}

export const packages = hostSetting<PackagesInput, ObservedPackages>({
  kind: "host.packages",
  probe: (want) =>
    `for p in ${want.packages.map(quote).join(" ")}; do ${isInstalled('"$p"')} && echo "installed.$p=1"; done; true`,
  parse: (fields, want) => ({
    server: want.server,
    user: want.user,
    installed: want.packages.filter((p) => fields.get(`installed.${p}`) === "1"),
  }),
  diff: (want, have) =>
    change(
      "missing",
      want.packages.filter((p) => !have.installed.includes(p)),
      [],
    ),
  apply: (want) => aptInstall(want.packages),
  describe: (want) => ({ server: want.server, packages: want.packages }),
});
