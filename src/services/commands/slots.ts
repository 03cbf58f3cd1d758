/**
 * A service's two slots: fixed loopback ports that Caddy's route always lists. A release is published
 * on the slot the serving release does not use; the host's firewall decides which slot Caddy may open
 * new connections to. A closed slot answers a new connection with a TCP reset, which Caddy treats as a
 * failed dial and retries on the other slot, and its active health check fails, so Caddy stops picking
 * it; connections already open stay untouched, which is what lets the old release drain. The firewall
 * rules of one service live in one chain that is rewritten with one `iptables-restore`, so opening one
 * slot and closing the other is a single atomic step. Pure: argv only.
 */
import { createHash } from "node:crypto";
import type { Argv } from "../../util/shell.ts";

export const STATE_DIR = "/var/lib/slipway";
export const HOST_PORTS = { first: 20000, last: 29999 } as const;

export function stackDir(stack: string): string {
  return `${STATE_DIR}/${stack}`;
}

export function serviceDir(stack: string, service: string): string {
  return `${stackDir(stack)}/${service}`;
}

/** iptables chain of a service (chain names are limited to 28 characters). */
export function slotChain(stack: string, service: string): string {
  return `SLIPWAY-${createHash("sha256").update(`${stack}/${service}`).digest("hex").slice(0, 12)}`;
}

/** The iptables-restore input that leaves exactly `closed` ports refusing new loopback connections. */
export function slotRules(chain: string, closed: readonly number[]): string {
  const rules = closed.map(
    (port) =>
      `-A ${chain} -o lo -d 127.0.0.1/32 -p tcp --dport ${port} --syn -j REJECT --reject-with tcp-reset\n`,
  );
  return `*filter\n:${chain} - [0:0]\n${rules.join("")}COMMIT\n`;
}

/** Creates the chain and its jump if missing, then replaces its rules atomically. */
export function closeSlots(chain: string, closed: readonly number[]): Argv {
  const script = [
    'iptables -w -N "$1" 2>/dev/null || true',
    'iptables -w -C OUTPUT -j "$1" 2>/dev/null || iptables -w -I OUTPUT 1 -j "$1"',
    // --noflush keeps every other chain; declaring ours flushes and refills it in the same commit.
    'printf "%s" "$2" | iptables-restore -w --noflush',
  ].join("\n");
  return ["sh", "-c", script, "close-slots", chain, slotRules(chain, closed)];
}

/** Lists the chain's rules (`iptables -S`); nothing when the chain is missing (all slots open). */
export function listSlotRules(chain: string): Argv {
  return ["sh", "-c", 'iptables -w -S "$1" 2>/dev/null || true', "list-slots", chain];
}

/** The ports a listSlotRules output keeps closed. */
export function parseClosedSlots(output: string): number[] {
  const ports: number[] = [];
  for (const line of output.split("\n")) {
    const port = /^-A \S+ .*--dport (\d+)\b.*-j REJECT/.exec(line.trim())?.[1];
    if (port) ports.push(Number(port));
  }
  return ports;
}

export function dropSlotChain(chain: string): Argv {
  const script = [
    'while iptables -w -D OUTPUT -j "$1" 2>/dev/null; do :; done',
    'iptables -w -F "$1" 2>/dev/null; iptables -w -X "$1" 2>/dev/null; true',
  ].join("\n");
  return ["sh", "-c", script, "drop-slots", chain];
}

/** Where the search for a service's slot ports starts: spread by name, so services rarely collide. */
export function slotSeed(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return HOST_PORTS.first + (hash % (HOST_PORTS.last - HOST_PORTS.first + 1));
}

/**
 * Prints the service's slot ports ("A B"): the ones recorded in its slots file, or two new ones from
 * `seed` on that nothing listens on and no container has reserved, recorded for good. Fixed ports,
 * unlike Docker's ephemeral ones, survive restarts of the containers and the host, so the route in
 * Caddy's saved config stays right after a reboot.
 */
export function ensureSlots(stack: string, service: string, seed: number): Argv {
  const script = [
    'file="$1/slots"',
    'if [ -s "$file" ]; then cat "$file"; exit 0; fi',
    "used=$( { ss -ltnH 2>/dev/null | awk '{print $4}' | sed 's/.*://';",
    "  docker ps -aq | xargs -r docker inspect --format '{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostPort}} {{end}}{{end}}';",
    `  cat ${STATE_DIR}/*/*/slots 2>/dev/null; } | tr ' ' '\\n' | grep -E '^[0-9]+$' | sort -u)`,
    'port=$2; found=""; tries=0',
    'while [ "$(printf "%s\\n" "$found" | wc -w)" -lt 2 ]; do',
    '  if ! printf "%s\\n" "$used" | grep -qx "$port"; then found="$found $port"; fi',
    `  port=$((port + 1)); [ "$port" -gt ${HOST_PORTS.last} ] && port=${HOST_PORTS.first}`,
    `  tries=$((tries + 1)); [ "$tries" -gt ${HOST_PORTS.last - HOST_PORTS.first} ] && { echo "no free ports" >&2; exit 1; }`,
    "done",
    'install -d -m 755 "$1" && echo $found > "$file" && cat "$file"',
  ].join("\n");
  return ["sh", "-c", script, "ensure-slots", serviceDir(stack, service), String(seed)];
}

/** Parses ensureSlots output. */
export function parseSlots(output: string): [number, number] {
  const ports = output.trim().split(/\s+/).map(Number);
  if (ports.length !== 2 || ports.some((p) => !Number.isInteger(p) || p <= 0)) {
    throw new Error(`unexpected slot ports "${output.trim()}"`);
  }
  return [ports[0]!, ports[1]!];
}
