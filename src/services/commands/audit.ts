/**
 * The audit log of a stack on a host: one JSON line per deploy or rollback of any of its services,
 * appended whatever the outcome, at /var/lib/slipway/<stack>/audit.jsonl. It says who did what, when,
 * from which release to which, with what result and how long it took. Pure: argv only.
 */
import type { Argv } from "../../util/shell.ts";
import { stackDir } from "./slots.ts";

export interface AuditEntry {
  at: string;
  who: string;
  action: "deploy" | "rollback";
  service: string;
  server: string;
  /** The release serving before; null on a first deploy. */
  from: string | null;
  to: string;
  result: "ok" | "failed";
  error?: string;
  reason: string;
  /** Wall time of the whole release on this host. */
  ms: number;
  /** From starting the new container to its health gate passing: the floor of any health-gated release. */
  healthyMs?: number;
  /** From taking the lock to the new release taking all new requests. */
  switchedMs?: number;
}

export function auditFile(stack: string): string {
  return `${stackDir(stack)}/audit.jsonl`;
}

/** Appends the line given on stdin. */
export function appendAudit(stack: string): Argv {
  return ["sh", "-c", 'install -d -m 755 "$1" && cat >> "$1/audit.jsonl"', "append-audit", stackDir(stack)];
}

export function auditLine(entry: AuditEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

export function readAudit(stack: string, lines: number): Argv {
  return ["sh", "-c", 'tail -n "$2" "$1" 2>/dev/null; true', "read-audit", auditFile(stack), String(lines)];
}

export function parseAudit(output: string): AuditEntry[] {
  return output
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as AuditEntry];
      } catch {
        return [];
      }
    });
}
