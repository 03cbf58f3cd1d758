/**
 * Environments must not claim the same DNS records. Each environment is its own stack, and a record
 * marked as another stack's is left alone, so a second A record of the same name would be created
 * beside it: Cloudflare answers with both, and some of production's visitors reach staging. Names that
 * point somewhere (A, AAAA, CNAME) clash by name and type; TXT, MX and CAA only by identical content,
 * since several of them may share a name.
 */
import { recordHost } from "./dns.ts";
import { type ConfigIssue, formatPath } from "./issues.ts";
import type { Stack } from "./stack.ts";

function recordKeys(stack: Stack): Map<string, string> {
  const keys = new Map<string, string>();
  if (!stack.dns) return keys;
  for (const record of stack.dns.records) {
    const host = recordHost(stack.dns.zone, record.name);
    const pointer = record.type === "A" || record.type === "AAAA" || record.type === "CNAME";
    const key = pointer ? `${host} ${record.type}` : `${host} ${record.type} ${record.value ?? ""}`;
    keys.set(key, `"${host}" (${record.type})`);
  }
  return keys;
}

/** One issue per environment that repeats a record of production or of an environment before it. */
export function sharedRecordIssues(stacks: ReadonlyMap<string, Stack>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const claimed = new Map<string, string>(); // record key → environment that has it
  for (const [environment, stack] of stacks) {
    const clashes = new Map<string, string[]>(); // other environment → records
    for (const [key, shown] of recordKeys(stack)) {
      const owner = claimed.get(key);
      if (owner === undefined) claimed.set(key, environment);
      else clashes.set(owner, [...(clashes.get(owner) ?? []), shown]);
    }
    for (const [owner, records] of clashes) {
      issues.push({
        path: formatPath(["environments", environment, "dns", "records"]),
        message:
          `${records.join(", ")} ${records.length === 1 ? "is" : "are"} also ${owner}'s; each environment needs its own ` +
          "DNS names, or visitors of one reach the other: override dns.records (or drop them with dns: null)",
      });
    }
  }
  return issues;
}
