/**
 * Shell snippets every host resource shares, as pure functions returning script text. Services are
 * driven through systemd where it runs and through their init scripts (`service`) elsewhere: this is
 * detected on the host at run time (`/run/systemd/system` exists only under systemd), never assumed.
 */
import { quote } from "../util/shell.ts";

/** True on the host when systemd is the init system. */
export const HAS_SYSTEMD = "[ -d /run/systemd/system ]";

/** Start, restart, reload or stop a service, with systemctl or the init script. */
export function serviceAction(
  action: "start" | "restart" | "reload" | "stop",
  service: string,
  systemdUnit = service,
): string {
  return `if ${HAS_SYSTEMD}; then systemctl ${action} ${quote(systemdUnit)}; else service ${quote(service)} ${action}; fi`;
}

/** Enable a service at boot (and start it now, or restart it to pick up new configuration). */
export function enableService(service: string, now: "start" | "restart"): string {
  return [
    `if ${HAS_SYSTEMD}; then systemctl enable --quiet ${quote(service)} && systemctl ${now} ${quote(service)};`,
    `else update-rc.d ${quote(service)} enable >/dev/null 2>&1; service ${quote(service)} ${now}; fi`,
  ].join(" ");
}

/** Succeeds when the package (a shell word, e.g. "$p") is installed. */
export function isInstalled(pkg: string): string {
  return `dpkg-query -W -f='\${Status}' ${pkg} 2>/dev/null | grep -q 'install ok installed'`;
}

/**
 * Installs the packages that are missing, and only those: a host that has them all runs no apt at all,
 * which keeps a second `up` fast. Waits for the dpkg lock (cloud-init or unattended-upgrades may hold it).
 */
export function aptInstall(packages: readonly string[]): string {
  if (packages.length === 0) return "true";
  const list = packages.map(quote).join(" ");
  const apt = "apt-get -q -o DPkg::Lock::Timeout=600";
  return [
    "missing=''",
    `for p in ${list}; do ${isInstalled('"$p"')} || missing="$missing $p"; done`,
    `if [ -n "$missing" ]; then export DEBIAN_FRONTEND=noninteractive; ${apt} update && ${apt} install -y --no-install-recommends $missing; fi`,
  ].join("\n");
}

/** Writes `content` to `path` atomically (temp file, then rename) with the given mode. */
export function writeFile(path: string, content: string, mode = "644"): string {
  const tmp = `${path}.slipway-tmp`;
  const encoded = Buffer.from(content).toString("base64");
  return [
    `mkdir -p ${quote(path.slice(0, path.lastIndexOf("/")) || "/")}`,
    `printf '%s' ${quote(encoded)} | base64 -d > ${quote(tmp)}`,
    `chmod ${mode} ${quote(tmp)} && mv -f ${quote(tmp)} ${quote(path)}`,
  ].join("\n");
}

/** Prints `key=<base64 of the file>` (empty when the file does not exist), for probes. */
export function emitFile(key: string, path: string): string {
  return `printf '%s=' ${quote(key)}; if [ -f ${quote(path)} ]; then base64 -w0 < ${quote(path)}; fi; echo`;
}

/** Prints `key=value` with value the output of a command (first line), for probes. */
export function emit(key: string, command: string): string {
  return `printf '%s=%s\\n' ${quote(key)} "$( ${command} 2>/dev/null | head -n1 )"`;
}

/** Parses `key=value` lines printed by a probe. Later keys win; lines without `=` are ignored. */
export function parseProbe(stdout: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).trimEnd());
  }
  return fields;
}

/** Decodes a file printed by `emitFile`; null when it did not exist. */
export function decodeFile(fields: Map<string, string>, key: string): string | null {
  const value = fields.get(key);
  return value ? Buffer.from(value, "base64").toString("utf8") : null;
}

/** A script run as one `sh -c` under sudo, so the whole of it has root. */
export function rootScript(script: string): readonly string[] {
  return ["sh", "-c", `set -e\n${script}`];
}
