/**
 * host.fail2ban: bans addresses that keep failing SSH logins, with the stack's thresholds. The jail reads
 * failed logins where the host logs them: the systemd journal where systemd runs (Debian 12 has no
 * auth.log by default, which leaves Debian's own default jail with no log to read), /var/log/auth.log
 * elsewhere. Which one is detected on the host and is part of what is observed.
 */
import { type Change, change } from "../engine/resource.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { aptInstall, decodeFile, emitFile, enableService, HAS_SYSTEMD, writeFile } from "./shell.ts";

export const JAIL_FILE = "/etc/fail2ban/jail.d/slipway.conf";

export interface Fail2banInput extends HostRef {
  maxRetry: number;
  findTimeSeconds: number;
  banTimeSeconds: number;
}

export interface ObservedFail2ban extends ObservedOnHost {
  journal: boolean;
  jail: "written" | "missing" | "modified";
  running: boolean;
}

export function jailConfig(want: Omit<Fail2banInput, "server" | "user">, journal: boolean): string {
  return [
    "# Managed by slipway; `slipway up` puts back any change.",
    "[sshd]",
    "enabled = true",
    "port = ssh",
    ...(journal ? ["backend = systemd"] : ["backend = auto", "logpath = /var/log/auth.log"]),
    `maxretry = ${want.maxRetry}`,
    `findtime = ${want.findTimeSeconds}`,
    `bantime = ${want.banTimeSeconds}`,
    "",
  ].join("\n");
}

export function probeFail2ban(): string {
  return [
    "if ! command -v fail2ban-client >/dev/null; then echo installed=0; exit 0; fi",
    "echo installed=1",
    `if ${HAS_SYSTEMD}; then echo journal=1; else echo journal=0; fi`,
    emitFile("jail", JAIL_FILE),
    "if fail2ban-client status sshd >/dev/null 2>&1; then echo running=1; else echo running=0; fi",
  ].join("\n");
}

export function parseFail2ban(fields: Map<string, string>, want: Fail2banInput): ObservedFail2ban | null {
  if (fields.get("installed") !== "1") return null;
  const journal = fields.get("journal") === "1";
  const file = decodeFile(fields, "jail");
  return {
    server: want.server,
    user: want.user,
    journal,
    jail: file === null ? "missing" : file === jailConfig(want, journal) ? "written" : "modified",
    running: fields.get("running") === "1",
  };
}

export function diffFail2ban(_want: Fail2banInput, have: ObservedFail2ban): Change[] {
  return [
    ...change(`jail ${JAIL_FILE}`, have.jail, "written"),
    ...change("sshd jail", have.running ? "running" : "stopped", "running"),
  ];
}

export function applyFail2ban(want: Fail2banInput): string {
  return [
    // The journal backend needs fail2ban's python bindings for it; they come with it only as a Recommends.
    `if ${HAS_SYSTEMD}; then journal=1; else journal=0; fi`,
    aptInstall(["fail2ban"]),
    `if [ "$journal" = 1 ]; then`,
    aptInstall(["python3-systemd"]),
    writeFile(JAIL_FILE, jailConfig(want, true)),
    "else",
    "touch /var/log/auth.log",
    writeFile(JAIL_FILE, jailConfig(want, false)),
    "fi",
    "fail2ban-client -t >/dev/null",
    enableService("fail2ban", "restart"),
    "for i in $(seq 1 40); do fail2ban-client status sshd >/dev/null 2>&1 && exit 0; sleep 0.25; done",
    "echo 'fail2ban did not start its sshd jail within 10 s; see /var/log/fail2ban.log' >&2; exit 1",
  ].join("\n");
}

export const fail2ban = hostSetting<Fail2banInput, ObservedFail2ban>({
  kind: "host.fail2ban",
  probe: probeFail2ban,
  parse: parseFail2ban,
  diff: diffFail2ban,
  apply: applyFail2ban,
  describe: (want) => ({
    server: want.server,
    jail: "sshd",
    maxretry: want.maxRetry,
    findtime: `${want.findTimeSeconds} s`,
    bantime: `${want.banTimeSeconds} s`,
  }),
  remove: () => `rm -f ${JAIL_FILE}\n(fail2ban-client reload >/dev/null 2>&1 || true)`,
});
