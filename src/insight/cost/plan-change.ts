/**
 * How much a plan changes the monthly bill: servers created, deleted, replaced or resized (with the
 * primary IPv4 each carries). Only kinds with a price on Hetzner's list count; host settings and
 * releases cost nothing. Pure: the plan and the price list come in.
 */
import type { Plan } from "../../engine/plan.ts";
import { type Money, parseMoney } from "./money.ts";
import type { Pricing } from "./pricing.ts";

interface Priced {
  serverType: string;
  location: string;
}

export interface CostChange {
  net: Money;
  gross: Money;
  /** Lines such as "+ server web-2 (cx32 · fsn1)". */
  items: { address: string; net: Money; gross: Money; detail: string }[];
  /** Addresses whose price is not on the list (an unknown type): left out of the sum. */
  unpriced: string[];
}

function monthly(pricing: Pricing, server: Priced): { net: Money; gross: Money } | null {
  const type = pricing.server_types.find((t) => t.name === server.serverType);
  const price = type?.prices.find((p) => p.location === server.location);
  if (!price) return null;
  const ip = pricing.primary_ips
    .find((p) => p.type === "ipv4")
    ?.prices.find((p) => p.location === server.location);
  const ipNet = ip ? parseMoney(ip.price_monthly.net) : 0n;
  const ipGross = ip ? parseMoney(ip.price_monthly.gross) : 0n;
  return {
    net: parseMoney(price.price_monthly.net) + ipNet,
    gross: parseMoney(price.price_monthly.gross) + ipGross,
  };
}

export function planCostChange(plan: Plan, pricing: Pricing): CostChange {
  const change: CostChange = { net: 0n, gross: 0n, items: [], unpriced: [] };
  for (const step of plan.steps) {
    if (step.kind.kind !== "hetzner.server" || step.action === "noop") continue;
    const before = step.action === "create" ? null : (step.have as Priced | null);
    const after = step.action === "delete" ? null : (step.want as Priced | null);
    const old = before ? monthly(pricing, before) : { net: 0n, gross: 0n };
    const next = after ? monthly(pricing, after) : { net: 0n, gross: 0n };
    if (!old || !next) {
      change.unpriced.push(step.address);
      continue;
    }
    const net = next.net - old.net;
    const gross = next.gross - old.gross;
    if (net === 0n && gross === 0n) continue;
    const detail = [before, after]
      .filter((s): s is Priced => s !== null)
      .map((s) => `${s.serverType} · ${s.location}`)
      .join(" → ");
    change.items.push({ address: step.address, net, gross, detail });
    change.net += net;
    change.gross += gross;
  }
  return change;
}
