/**
 * The cloud-init subset sandbox servers honour, translated into two shell scripts the VM runs at first
 * boot: init.sh before sshd starts (host keys, users, files — so the first SSH connection already sees
 * the host key the user_data set) and final.sh afterwards (packages, deferred files, runcmd), as
 * cloud-init's init and final stages do. Keys the sandbox does not implement are reported in
 * /var/log/cloud-init-output.log rather than silently dropped. Pure: builds text, runs nothing.
 */
import { parse } from "yaml";
import { quote, toShell } from "../../util/shell.ts";

export interface FirstBootScripts {
  init: string;
  final: string;
}

const SUPPORTED = new Set([
  "ssh_keys",
  "ssh_deletekeys",
  "ssh_genkeytypes",
  "ssh_authorized_keys",
  "users",
  "write_files",
  "runcmd",
  "packages",
  "package_update",
  "package_upgrade",
  "disable_root",
  "ssh_pwauth",
]);
const HOST_KEY_TYPES = ["rsa", "ecdsa", "ed25519"] as const;

type Doc = Record<string, unknown>;

export function firstBootScripts(userData: string | null, rootSshKeys: readonly string[]): FirstBootScripts {
  const init: string[] = ["set -u", "umask 022"];
  const final: string[] = ["set -u"];
  const trimmed = (userData ?? "").trimStart();
  if (trimmed.startsWith("#!")) {
    init.push(...authorizedKeys("root", "/root", rootSshKeys));
    // base64, so no line of the script can end a heredoc early
    final.push(
      `printf '%s' ${quote(Buffer.from(userData ?? "").toString("base64"))} | base64 -d > /var/lib/cloud/instance/user-script`,
    );
    final.push("chmod 700 /var/lib/cloud/instance/user-script && /var/lib/cloud/instance/user-script");
    return { init: join(init), final: join(final) };
  }
  // cloud-init reads YAML 1.1 (PyYAML): `permissions: 0755` is octal and `ssh_pwauth: no` is false.
  const doc: Doc = trimmed.startsWith("#cloud-config")
    ? ((parse(trimmed, { version: "1.1" }) as Doc | null) ?? {})
    : {};
  for (const key of Object.keys(doc)) {
    if (!SUPPORTED.has(key))
      init.push(`echo ${quote(`cloud-init key not supported by the sandbox: ${key}`)}`);
  }
  init.push(...hostKeys(doc.ssh_keys));
  init.push(...authorizedKeys("root", "/root", [...rootSshKeys, ...strings(doc.ssh_authorized_keys)]));
  if (doc.disable_root === true) init.push(...disableRoot(firstUserName(doc.users)));
  if (doc.ssh_pwauth === false) init.push(...sshdSetting("PasswordAuthentication", "no"));
  if (doc.ssh_pwauth === true) init.push(...sshdSetting("PasswordAuthentication", "yes"));
  for (const user of Array.isArray(doc.users) ? doc.users : []) init.push(...createUser(user));
  const files = Array.isArray(doc.write_files) ? (doc.write_files as Doc[]) : [];
  for (const file of files.filter((f) => f.defer !== true)) init.push(...writeFile(file));

  const packages = strings(doc.packages);
  if (doc.package_update === true || packages.length > 0) final.push("apt-get update -q");
  if (doc.package_upgrade === true) final.push("DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q");
  if (packages.length > 0) {
    final.push(
      `DEBIAN_FRONTEND=noninteractive ${toShell(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...packages])}`,
    );
  }
  for (const file of files.filter((f) => f.defer === true)) final.push(...writeFile(file));
  for (const command of Array.isArray(doc.runcmd) ? doc.runcmd : []) final.push(runCommand(command));
  return { init: join(init), final: join(final) };
}

function join(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function hostKeys(value: unknown): string[] {
  if (!value || typeof value !== "object") return [];
  const keys = value as Record<string, unknown>;
  const lines: string[] = [];
  for (const type of HOST_KEY_TYPES) {
    const privateKey = keys[`${type}_private`];
    const publicKey = keys[`${type}_public`];
    if (typeof privateKey !== "string") continue;
    const path = `/etc/ssh/ssh_host_${type}_key`;
    lines.push(`printf '%s\\n' ${quote(privateKey.trim())} > ${path}`, `chmod 600 ${path}`);
    if (typeof publicKey === "string") {
      lines.push(`printf '%s\\n' ${quote(publicKey.trim())} > ${path}.pub`, `chmod 644 ${path}.pub`);
    }
  }
  return lines;
}

function authorizedKeys(user: string, home: string, keys: readonly string[]): string[] {
  if (keys.length === 0) return [];
  const file = `${home}/.ssh/authorized_keys`;
  return [
    `install -d -m 700 -o ${quote(user)} -g ${quote(user)} ${quote(`${home}/.ssh`)}`,
    ...keys.map((key) => `printf '%s\\n' ${quote(key.trim())} >> ${quote(file)}`),
    `chmod 600 ${quote(file)} && chown ${quote(user)}: ${quote(file)}`,
  ];
}

function firstUserName(users: unknown): string {
  const first = Array.isArray(users) ? users.find((u) => u && typeof u === "object") : undefined;
  return typeof first?.name === "string" ? first.name : "debian";
}

/** As cloud-init does: root keeps its keys, but each one only prints where to log in instead. */
function disableRoot(user: string): string[] {
  // Quotes inside the command="…" option are escaped, or sshd rejects the whole key line.
  const message = `Please login as the user \\"${user}\\" rather than the user \\"root\\".`;
  const prefix = `no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command="echo '${message}';echo;sleep 10;exit 142" `;
  const replacement = prefix.replaceAll("\\", "\\\\").replaceAll("&", "\\&").replaceAll("|", "\\|");
  return [
    `test -f /root/.ssh/authorized_keys && sed -i ${quote(`s|^|${replacement}|`)} /root/.ssh/authorized_keys`,
  ];
}

function sshdSetting(key: string, value: string): string[] {
  return [
    `install -d /etc/ssh/sshd_config.d`,
    `printf '%s %s\\n' ${key} ${value} > /etc/ssh/sshd_config.d/50-cloud-init.conf`,
  ];
}

function createUser(entry: unknown): string[] {
  if (entry === "default" || !entry || typeof entry !== "object") return [];
  const user = entry as Doc;
  if (typeof user.name !== "string") return [`echo 'cloud-init: a user without a name was skipped'`];
  const name = user.name;
  const home = typeof user.homedir === "string" ? user.homedir : `/home/${name}`;
  const shell = typeof user.shell === "string" ? user.shell : "/bin/bash";
  const groups =
    typeof user.groups === "string" ? user.groups.split(",").map((g) => g.trim()) : strings(user.groups);
  const lines = [
    `id -u ${quote(name)} >/dev/null 2>&1 || useradd --create-home --home-dir ${quote(home)} --shell ${quote(shell)} ${quote(name)}`,
  ];
  for (const group of groups.filter(Boolean)) {
    lines.push(
      `getent group ${quote(group)} >/dev/null || groupadd ${quote(group)}`,
      `usermod -aG ${quote(group)} ${quote(name)}`,
    );
  }
  if (user.lock_passwd !== false) lines.push(`passwd -l ${quote(name)} >/dev/null`);
  const sudo = typeof user.sudo === "string" ? [user.sudo] : strings(user.sudo);
  if (sudo.length > 0) {
    const file = `/etc/sudoers.d/90-cloud-init-${name}`;
    lines.push(
      `printf '%s\\n' ${sudo.map((rule) => quote(`${name} ${rule}`)).join(" ")} > ${quote(file)}`,
      `chmod 440 ${quote(file)}`,
    );
  }
  lines.push(...authorizedKeys(name, home, strings(user.ssh_authorized_keys)));
  return lines;
}

function writeFile(file: Doc): string[] {
  if (typeof file.path !== "string")
    return [`echo 'cloud-init: a write_files entry without a path was skipped'`];
  const path = quote(file.path);
  const content = typeof file.content === "string" ? file.content : "";
  const encoding = typeof file.encoding === "string" ? file.encoding : "text/plain";
  const redirect = file.append === true ? ">>" : ">";
  const lines = [`install -d "$(dirname ${path})"`];
  if (encoding === "b64" || encoding === "base64")
    lines.push(`printf '%s' ${quote(content)} | base64 -d ${redirect} ${path}`);
  else lines.push(`printf '%s' ${quote(content)} ${redirect} ${path}`);
  const permissions =
    typeof file.permissions === "number"
      ? file.permissions.toString(8)
      : typeof file.permissions === "string"
        ? file.permissions
        : "0644";
  lines.push(`chmod ${quote(permissions)} ${path}`);
  if (typeof file.owner === "string") lines.push(`chown ${quote(file.owner)} ${path}`);
  return lines;
}

function runCommand(command: unknown): string {
  if (Array.isArray(command)) return toShell(command.map(String));
  return `sh -c ${quote(String(command))}`;
}
