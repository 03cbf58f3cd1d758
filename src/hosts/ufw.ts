/**
 * host.ufw: the host firewall. Incoming is denied by default and only the stack's rules are allowed
 * (22/80/443 unless the stack says otherwise, optionally only from given ranges such as Cloudflare's),
 * plus everything from the stack's private networks. Rules compare in the form `ufw show added` prints
 * them, so the plan names each rule added or removed. Docker's published ports are held to the same
 * list through DOCKER-USER (see docker-firewall.ts). The SSH rule is added before UFW is enabled and
 * stale rules are removed last, so the connection applying it is never cut.
 */
import type { Change } from "../engine/resource.ts";
import type { HostRef } from "./connector.ts";
import {
  AFTER_RULES,
  afterRulesBlock,
  dockerUserRules,
  extractBlock,
  replaceBlock,
} from "./docker-firewall.ts";
import { hostSetting, type ObservedOnHost } from "./host-setting.ts";
import { aptInstall, emit, writeFile } from "./shell.ts";

export interface HostFirewallRule {
  /** "443" or a range "8000-8100". */
  port: string;
  protocol: "tcp" | "udp";
  /** "any" or CIDR blocks (already expanded: no "cloudflare" here). */
  from: string[];
}

export interface UfwInput extends HostRef {
  rules: HostFirewallRule[];
  /** Ranges allowed on every port: the stack's private networks. */
  privateNetworks: string[];
}

export interface ObservedUfw extends ObservedOnHost {
  active: boolean;
  incoming: string;
  /** As `ufw show added` prints them, without the leading "ufw ". */
  rules: string[];
  docker: "filtered" | "unfiltered" | "stale";
}

/** A single address is written without /32 (IPv4) or /128 (IPv6), as ufw prints it back. */
function ufwSource(cidr: string): string {
  return cidr.includes(":") ? cidr.replace(/\/128$/, "") : cidr.replace(/\/32$/, "");
}

/** The rules as `ufw show added` lists them, which is also the argv of `ufw` that adds each. */
export function ufwRules(want: Pick<UfwInput, "rules" | "privateNetworks">): string[] {
  const lines: string[] = [];
  for (const rule of want.rules) {
    const port = rule.port.replace("-", ":");
    for (const source of rule.from) {
      lines.push(
        source === "any"
          ? `allow ${port}/${rule.protocol}`
          : `allow from ${ufwSource(source)} to any port ${port} proto ${rule.protocol}`,
      );
    }
  }
  for (const cidr of want.privateNetworks) lines.push(`allow from ${ufwSource(cidr)}`);
  return [...new Set(lines)];
}

const POLICY: Record<string, string> = { DROP: "deny", REJECT: "reject", ACCEPT: "allow" };

export function probeUfw(): string {
  return [
    "if ! command -v ufw >/dev/null; then echo installed=0; exit 0; fi",
    "echo installed=1",
    emit("status", "ufw status"),
    emit("incoming", ". /etc/default/ufw && echo $DEFAULT_INPUT_POLICY"),
    "printf 'rules='; ufw show added | sed -n 's/^ufw //p' | base64 -w0; echo",
    `printf 'block='; { ${extractBlock()}; } 2>/dev/null | base64 -w0; echo`,
    "printf 'chain='; { iptables -S DOCKER-USER; } 2>/dev/null | base64 -w0; echo",
  ].join("\n");
}

function lines(fields: Map<string, string>, key: string): string[] {
  const text = Buffer.from(fields.get(key) ?? "", "base64").toString("utf8");
  return text.split("\n").filter((l) => l.trim() !== "");
}

export function parseUfw(fields: Map<string, string>, want: UfwInput): ObservedUfw | null {
  if (fields.get("installed") !== "1") return null;
  const chain = lines(fields, "chain").filter((l) => l.startsWith("-A "));
  const expected = dockerUserRules(want.rules, want.privateNetworks);
  const block = Buffer.from(fields.get("block") ?? "", "base64").toString("utf8");
  const inPlace = expected.every((line, i) => chain[i] === line);
  const docker = !chain.includes("-A DOCKER-USER -j DROP")
    ? "unfiltered"
    : inPlace && block === afterRulesBlock(want.rules, want.privateNetworks)
      ? "filtered"
      : "stale";
  return {
    server: want.server,
    user: want.user,
    active: fields.get("status") === "Status: active",
    incoming: POLICY[fields.get("incoming") ?? ""] ?? fields.get("incoming") ?? "unknown",
    rules: lines(fields, "rules"),
    docker,
  };
}

export function diffUfw(want: UfwInput, have: ObservedUfw): Change[] {
  const changes: Change[] = [];
  const add = (path: string, from: unknown, to: unknown) =>
    changes.push({ path, from, to, forcesReplace: false });
  if (!have.active) add("status", "inactive", "active");
  if (have.incoming !== "deny") add("default incoming", have.incoming, "deny");
  const wanted = ufwRules(want);
  for (const rule of wanted) if (!have.rules.includes(rule)) add(`ufw ${rule}`, "absent", "present");
  for (const rule of have.rules) if (!wanted.includes(rule)) add(`ufw ${rule}`, "present", "absent");
  if (have.docker !== "filtered") {
    add(
      "published Docker ports",
      have.docker === "stale" ? "stale rules" : "open past the firewall",
      "filtered",
    );
  }
  return changes;
}

export function applyUfw(want: UfwInput): string {
  const wanted = ufwRules(want);
  const wantedFile = "/etc/ufw/.slipway-wanted";
  const blockFile = "/etc/ufw/.slipway-block";
  return [
    aptInstall(["ufw"]),
    "ufw default deny incoming >/dev/null",
    "ufw default allow outgoing >/dev/null",
    ...wanted.map((rule) => `ufw ${rule} >/dev/null`),
    writeFile(wantedFile, `${wanted.join("\n")}\n`, "600"),
    writeFile(blockFile, afterRulesBlock(want.rules, want.privateNetworks), "600"),
    replaceBlock(blockFile),
    `test -f ${AFTER_RULES}`,
    "ufw --force enable >/dev/null",
    // Stale rules go last: the rules this run needs (SSH first of all) are already in force.
    `ufw show added | sed -n 's/^ufw //p' | grep -Fxv -f ${wantedFile} | while read -r rule; do ufw delete $rule >/dev/null; done`,
    `rm -f ${wantedFile} ${blockFile}`,
    "ufw reload >/dev/null",
  ].join("\n");
}

export const ufw = hostSetting<UfwInput, ObservedUfw>({
  kind: "host.ufw",
  probe: probeUfw,
  parse: parseUfw,
  diff: diffUfw,
  apply: applyUfw,
  describe: (want) => ({
    server: want.server,
    incoming: "deny",
    allow: ufwRules(want).map((r) => r.replace(/^allow /, "")),
    "published Docker ports": "filtered",
  }),
  remove: () =>
    [
      "ufw --force disable >/dev/null",
      `${replaceBlock("/dev/null")}`,
      "iptables -F DOCKER-USER 2>/dev/null && iptables -A DOCKER-USER -j RETURN || true",
    ].join("\n"),
});
