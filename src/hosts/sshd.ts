/**
 * host.sshd: keys-only SSH for the deploy user. Settings go in a drop-in that sorts first in
 * /etc/ssh/sshd_config.d (sshd keeps the *first* value it reads), and the host is read through `sshd -T`,
 * the settings sshd would really use, so a hand edit that wins over the drop-in shows as drift. Applying
 * validates with `sshd -t` before reloading, keeps the current connection, and proves a fresh login
 * works before finishing; if it does not, the previous drop-in is put back and sshd reloaded again.
 */
import { type Change, change } from "../engine/resource.ts";
import { quote } from "../util/shell.ts";
import { asRoot, type HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { decodeFile, emitFile, serviceAction, writeFile } from "./shell.ts";

export const SSHD_DROP_IN = "/etc/ssh/sshd_config.d/00-slipway.conf";
const BACKUP = `${SSHD_DROP_IN}.slipway-previous`;

export const SSHD_SETTINGS = [
  "PermitRootLogin",
  "PasswordAuthentication",
  "KbdInteractiveAuthentication",
  "AllowUsers",
] as const;
export type SshdSetting = (typeof SSHD_SETTINGS)[number];

export interface SshdInput extends HostRef {
  settings: Record<SshdSetting, string>;
}

export interface ObservedSshd extends ObservedOnHost {
  /** What `sshd -T` reports; null for a setting it does not print (no AllowUsers = everyone). */
  effective: Record<SshdSetting, string | null>;
  dropIn: "written" | "missing" | "modified";
}

/** The hardened settings for a deploy user. */
export function hardenedSshd(user: string): Record<SshdSetting, string> {
  return {
    PermitRootLogin: "no",
    PasswordAuthentication: "no",
    KbdInteractiveAuthentication: "no",
    AllowUsers: user,
  };
}

export function sshdDropIn(settings: Record<SshdSetting, string>): string {
  const lines = SSHD_SETTINGS.map((name) => `${name} ${settings[name]}`);
  return `# Managed by slipway (keys-only SSH for the deploy user); \`slipway up\` puts back any change.\n${lines.join("\n")}\n`;
}

export function probeSshd(): string {
  const names = SSHD_SETTINGS.map((n) => n.toLowerCase()).join("|");
  return [
    // AllowUsers prints one line per user: collect them into one value.
    `sshd -T 2>/dev/null | awk '$1 ~ /^(${names})$/ { v[$1] = (v[$1] == "" ? "" : v[$1] " ") $2 } END { for (k in v) print "sshd." k "=" v[k] }'`,
    emitFile("dropIn", SSHD_DROP_IN),
  ].join("\n");
}

export function parseSshd(fields: Map<string, string>, want: SshdInput): ObservedSshd {
  const effective = Object.fromEntries(
    SSHD_SETTINGS.map((name) => [name, fields.get(`sshd.${name.toLowerCase()}`) ?? null]),
  ) as Record<SshdSetting, string | null>;
  const file = decodeFile(fields, "dropIn");
  const dropIn = file === null ? "missing" : file === sshdDropIn(want.settings) ? "written" : "modified";
  return { server: want.server, user: want.user, effective, dropIn };
}

export function diffSshd(want: SshdInput, have: ObservedSshd): Change[] {
  const settings = SSHD_SETTINGS.flatMap((name) => change(name, have.effective[name], want.settings[name]));
  return [...settings, ...change(SSHD_DROP_IN, have.dropIn, "written")];
}

/**
 * Writes the drop-in (keeping the previous one to roll back to), comments out the managed keywords in
 * other files only if sshd still does not use our values (a line above the Include, a Match block), then
 * validates and reloads. A config sshd rejects is rolled back before anything reloads.
 */
export function applySshd(want: SshdInput): string {
  const checks = SSHD_SETTINGS.map(
    (name) => `sshd -T | grep -qix ${quote(`${name.toLowerCase()} ${want.settings[name].split(" ")[0]}`)}`,
  ).join(" && ");
  const keywords = [...SSHD_SETTINGS, "ChallengeResponseAuthentication"].join("|");
  return [
    "grep -qE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\\.d/\\*\\.conf' /etc/ssh/sshd_config || sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config",
    `if [ -f ${SSHD_DROP_IN} ]; then cp -p ${SSHD_DROP_IN} ${BACKUP}; else rm -f ${BACKUP}; fi`,
    writeFile(SSHD_DROP_IN, sshdDropIn(want.settings)),
    `if ! { ${checks}; }; then`,
    "  for f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do",
    `    if [ -f "$f" ] && [ "$f" != ${SSHD_DROP_IN} ]; then sed -i -E 's/^[[:space:]]*(${keywords})([[:space:]]|$)/# disabled by slipway: &/I' "$f"; fi`,
    "  done",
    "fi",
    `if ! sshd -t; then ${restorePrevious()}; echo 'sshd rejected the new configuration; the previous one is back' >&2; exit 1; fi`,
    serviceAction("reload", "ssh"),
  ].join("\n");
}

function restorePrevious(): string {
  return `if [ -f ${BACKUP} ]; then mv -f ${BACKUP} ${SSHD_DROP_IN}; else rm -f ${SSHD_DROP_IN}; fi`;
}

/** Puts the previous drop-in back and reloads: the way out when a fresh login fails after applying. */
export function rollbackSshd(): string {
  return `${restorePrevious()}\nsshd -t && ${serviceAction("reload", "ssh")}`;
}

export const sshd = hostSetting<SshdInput, ObservedSshd>({
  kind: "host.sshd",
  probe: probeSshd,
  parse: parseSshd,
  diff: diffSshd,
  apply: applySshd,
  describe: (want) => ({ server: want.server, ...want.settings }),
  async verify(ctx, want, ssh) {
    try {
      await ctx.hosts.verifyLogin(want);
    } catch (error) {
      await ssh.run(asRoot(want.user, ["sh", "-c", rollbackSshd()]), "rolling back the sshd settings");
      throw new Error(
        `${ssh.target.name}: a fresh SSH login failed after changing sshd, so the previous settings were restored: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  },
  remove: () => `rm -f ${SSHD_DROP_IN} ${BACKUP}\nsshd -t && ${serviceAction("reload", "ssh")}`,
});
