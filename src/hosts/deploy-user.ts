/**
 * host.user: the deploy user slipway logs in as: a member of sudo with passwordless sudo from its own
 * sudoers file (checked with visudo before it is moved in place), and exactly the stack's keys in its
 * authorized_keys. Keys compare by type and key material; comments are only labels. The key slipway logs
 * in with is always among them, so applying can never lock slipway out.
 */
import { type Change, change } from "../engine/resource.ts";
import { quote } from "../util/shell.ts";
import type { HostRef } from "./connector.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { decodeFile, emit, emitFile, writeFile } from "./shell.ts";

export interface DeployUserInput extends HostRef {
  /** OpenSSH public key lines; the first is the one slipway logs in with. */
  authorizedKeys: string[];
}

export interface ObservedDeployUser extends ObservedOnHost {
  sudo: boolean;
  /** "type base64" of each key, in file order. */
  authorizedKeys: string[];
}

export function sudoersFile(user: string): string {
  return `/etc/sudoers.d/90-slipway-${user}`;
}

export function sudoersLine(user: string): string {
  return `${user} ALL=(ALL) NOPASSWD:ALL\n`;
}

/** "type base64" of an OpenSSH public key line, or null for a line that is not one. */
export function keyIdentity(line: string): string | null {
  const parts = line.trim().split(/\s+/);
  // authorized_keys lines may start with options (command="…",no-pty …); the key type follows them.
  const at = parts.findIndex((p) => /^(ssh-|ecdsa-sha2-|sk-)/.test(p));
  return at >= 0 && parts[at + 1] ? `${parts[at]} ${parts[at + 1]}` : null;
}

/** A key as plans show it: type, the last 8 characters of its material, and its comment. */
export function keyLabel(line: string): string {
  const [type = "", blob = "", ...comment] = line.trim().split(/\s+/);
  return `${type} …${blob.slice(-8)}${comment.length ? ` ${comment.join(" ")}` : ""}`;
}

export function probeDeployUser(want: HostRef): string {
  const user = quote(want.user);
  return [
    `if ! id -u ${user} >/dev/null 2>&1; then echo exists=0; exit 0; fi`,
    "echo exists=1",
    emit("groups", `id -nG ${user}`),
    emitFile("sudoers", sudoersFile(want.user)),
    `home=$(getent passwd ${user} | cut -d: -f6)`,
    `printf 'keys='; if [ -f "$home/.ssh/authorized_keys" ]; then base64 -w0 < "$home/.ssh/authorized_keys"; fi; echo`,
  ].join("\n");
}

export function parseDeployUser(fields: Map<string, string>, want: HostRef): ObservedDeployUser | null {
  if (fields.get("exists") !== "1") return null;
  const groups = (fields.get("groups") ?? "").split(/\s+/);
  const sudo = groups.includes("sudo") && decodeFile(fields, "sudoers") === sudoersLine(want.user);
  const keys = (decodeFile(fields, "keys") ?? "")
    .split("\n")
    .map(keyIdentity)
    .filter((k): k is string => k !== null);
  return { server: want.server, user: want.user, sudo, authorizedKeys: keys };
}

export function diffDeployUser(want: DeployUserInput, have: ObservedDeployUser): Change[] {
  const wanted = want.authorizedKeys.map((k) => keyIdentity(k) ?? k);
  const added = want.authorizedKeys.filter((k) => !have.authorizedKeys.includes(keyIdentity(k) ?? k));
  const removed = have.authorizedKeys.filter((k) => !wanted.includes(k));
  return [
    ...change("sudo", have.sudo ? "passwordless" : "missing", "passwordless"),
    ...(added.length > 0 || removed.length > 0
      ? [
          {
            path: "authorized_keys",
            from: removed.length > 0 ? removed.map(keyLabel) : "(no other keys)",
            to: added.length > 0 ? added.map(keyLabel) : "(removed)",
            forcesReplace: false,
          },
        ]
      : []),
  ];
}

export function applyDeployUser(want: DeployUserInput): string {
  const user = quote(want.user);
  const sudoers = sudoersFile(want.user);
  return [
    `id -u ${user} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${user}`,
    `usermod -aG sudo ${user}`,
    writeFile(`${sudoers}.check`, sudoersLine(want.user), "440"),
    `visudo -cqf ${quote(`${sudoers}.check`)} && mv -f ${quote(`${sudoers}.check`)} ${quote(sudoers)}`,
    `home=$(getent passwd ${user} | cut -d: -f6)`,
    `install -d -m 700 -o ${user} -g ${user} "$home/.ssh"`,
    `printf '%s\\n' ${want.authorizedKeys.map((k) => quote(k.trim())).join(" ")} > "$home/.ssh/authorized_keys.slipway-tmp"`,
    `chown ${user}: "$home/.ssh/authorized_keys.slipway-tmp" && chmod 600 "$home/.ssh/authorized_keys.slipway-tmp"`,
    `mv -f "$home/.ssh/authorized_keys.slipway-tmp" "$home/.ssh/authorized_keys"`,
  ].join("\n");
}

export const deployUser = hostSetting<DeployUserInput, ObservedDeployUser>({
  kind: "host.user",
  probe: probeDeployUser,
  parse: parseDeployUser,
  diff: diffDeployUser,
  apply: applyDeployUser,
  describe: (want) => ({
    server: want.server,
    user: want.user,
    sudo: "passwordless",
    authorized_keys: want.authorizedKeys.map(keyLabel),
  }),
  // New keys are in place before the old file goes: prove the login still works.
  verify: (ctx, want) => ctx.hosts.verifyLogin(want),
});
