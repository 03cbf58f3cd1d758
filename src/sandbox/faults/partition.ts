/**
 * A network partition between two sandbox servers: every packet between any address of one VM container
 * and any address of the other is dropped on the host, in Docker's DOCKER-USER chain, which sees traffic
 * between containers on the same bridge too (bridge-nf-call-iptables) and comes before Docker's accept
 * of established connections, so open connections break as they would on a real split. The VMs' own
 * firewalls are untouched. Rules carry a comment so healing finds them even if the plan file is lost.
 */
import { exec } from "../../util/exec.ts";
import { docker } from "../docker.ts";

export const FAULT_RULE_COMMENT = "slipway-sandbox-fault";
const CHAIN = "DOCKER-USER";

/** iptables rule specs (after `-I CHAIN` / `-D CHAIN`) that cut every path between the two address sets. */
export function partitionRules(a: readonly string[], b: readonly string[]): string[][] {
  const rules: string[][] = [];
  for (const from of a) {
    for (const to of b) {
      for (const [src, dst] of [
        [from, to],
        [to, from],
      ] as const) {
        rules.push([
          "-s",
          `${src}/32`,
          "-d",
          `${dst}/32`,
          "-m",
          "comment",
          "--comment",
          FAULT_RULE_COMMENT,
          "-j",
          "DROP",
        ]);
      }
    }
  }
  return rules;
}

/** Every IPv4 address a container has, on every network it is attached to. */
export async function containerAddresses(container: string): Promise<string[]> {
  const out = await docker([
    "inspect",
    "--format",
    "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
    container,
  ]);
  return out.split(/\s+/).filter(Boolean);
}

export async function installRules(rules: readonly string[][]): Promise<void> {
  for (const rule of rules) {
    const present = await exec(["iptables", "-C", CHAIN, ...rule]);
    if (present.code !== 0) await iptables(["-I", CHAIN, ...rule]);
  }
}

/** Removes the given rules, then any other rule carrying the fault comment (left by a lost plan). */
export async function removeFaultRules(rules: readonly string[][] = []): Promise<number> {
  let removed = 0;
  for (const rule of rules) {
    while ((await exec(["iptables", "-D", CHAIN, ...rule])).code === 0) removed++;
  }
  const listing = await exec(["iptables", "-S", CHAIN]);
  if (listing.code !== 0) return removed; // no Docker chain: nothing of ours can be there
  for (const line of listing.stdout.split("\n")) {
    if (!line.includes(FAULT_RULE_COMMENT)) continue;
    const spec = splitRule(line).slice(2); // drop "-A DOCKER-USER"
    if ((await exec(["iptables", "-D", CHAIN, ...spec])).code === 0) removed++;
  }
  return removed;
}

/** Splits an `iptables -S` line into arguments, honouring its double quotes. */
export function splitRule(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

async function iptables(args: readonly string[]): Promise<void> {
  const result = await exec(["iptables", ...args]);
  if (result.code !== 0) throw new Error(`iptables ${args.join(" ")} failed: ${result.stderr.trim()}`);
}
