/**
 * Faults the sandbox can inject, so retries, timeouts and failover are tested against a cloud that
 * misbehaves the way real ones do: API errors and latency per emulator, servers that die or stop
 * behind the API's back, and network partitions between two servers. The plan is a small JSON file in
 * the sandbox home: the CLI writes it, the emulators re-read it when it changes. Pure: schema, the
 * per-request decision and the description shown to users.
 */
import { z } from "zod";

export const FAULT_SERVICES = ["hetzner", "cloudflare", "s3"] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

/** Statuses an API fault may answer with: the transient ones clients are expected to retry. */
export const FAULT_STATUSES = [429, 500, 503, 504] as const;

const apiFaultSchema = z.object({
  /** Share of requests that fail, 0 to 1. */
  errorRate: z.number().min(0).max(1),
  /** Added to every request before it is handled (or failed). */
  latencyMs: z.number().int().min(0).max(120_000),
  status: z.union(FAULT_STATUSES.map((s) => z.literal(s))),
});
export type ApiFault = z.infer<typeof apiFaultSchema>;

const partitionSchema = z.object({
  /** Server names as the Hetzner API knows them, sorted, so a partition has one spelling. */
  servers: z.tuple([z.string(), z.string()]),
  /** The iptables rule specs installed for it, kept so healing removes exactly these. */
  rules: z.array(z.array(z.string())),
});
export type Partition = z.infer<typeof partitionSchema>;

export const faultPlanSchema = z.object({
  version: z.literal(1),
  api: z.partialRecord(z.enum(FAULT_SERVICES), apiFaultSchema),
  partitions: z.array(partitionSchema),
});
export type FaultPlan = z.infer<typeof faultPlanSchema>;

export function emptyFaultPlan(): FaultPlan {
  return { version: 1, api: {}, partitions: [] };
}

export interface ApiFaultDecision {
  delayMs: number;
  /** The status to fail with, or null to handle the request normally. */
  failWith: number | null;
}

/** What to do with one request to `service`; `random` is in [0, 1). */
export function decideApiFault(
  plan: FaultPlan,
  service: FaultService,
  random: number,
): ApiFaultDecision | null {
  const fault = plan.api[service];
  if (!fault) return null;
  return { delayMs: fault.latencyMs, failWith: random < fault.errorRate ? fault.status : null };
}

export function describeFaults(plan: FaultPlan): string[] {
  const lines: string[] = [];
  for (const service of FAULT_SERVICES) {
    const fault = plan.api[service];
    if (!fault) continue;
    const parts = [];
    if (fault.errorRate > 0)
      parts.push(`${Math.round(fault.errorRate * 100)}% of requests fail with ${fault.status}`);
    if (fault.latencyMs > 0) parts.push(`+${fault.latencyMs} ms latency`);
    lines.push(`${service} API: ${parts.join(", ") || "no effect"}`);
  }
  for (const p of plan.partitions) lines.push(`partition: ${p.servers[0]} ⇹ ${p.servers[1]}`);
  return lines;
}

export function partitionKey(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}
