/**
 * How much a plan changes the monthly bill: servers (with the primary IPv4 each carries), load
 * balancers and volumes created, deleted, replaced or resized. Only kinds with a price on Hetzner's list count; host settings and
 * releases cost nothing. Pure: the plan and the price list come in.
 */
import type { Plan } from "../../engine/plan.ts";
import { type Money, parseMoney, times } from "./money.ts";
import type { Pricing } from "./pricing.ts";

export interface CostChange {
  net: Money;
  gross: Money;
  /** Lines such as "+ server web-2 (cx32 · fsn1)". */
  items: { address: string; net: Money; gross: Money; detail: string }[];
  /** Addresses whose price is not on the list (an unknown type): left out of the sum. */
  unpriced: string[];
}

type Monthly = { net: Money; gross: Money };

/** The monthly price of one object of a priced kind, or null when the list has no price for it. */
interface PricedKind {
  price(pricing: Pricing, object: Record<string, unknown>): Monthly | null;
  detail(object: Record<string, unknown>): string;
}

function locationPrice(types: Pricing["server_types"], type: unknown, location: unknown): Monthly | null {
  const price = types.find((t) => t.name === type)?.prices.find((p) => p.location === location);
  return price
    ? { net: parseMoney(price.price_monthly.net), gross: parseMoney(price.price_monthly.gross) }
    : null;
}

const PRICED: Record<string, PricedKind> = {
  // A server comes with the primary IPv4 it is created with.
  "hetzner.server": {
    price(pricing, server) {
      const base = locationPrice(pricing.server_types, server.serverType, server.location);
      if (!base) return null;
      const ip = locationPrice(
        pricing.primary_ips.map((p) => ({ name: p.type, prices: p.prices })),
        "ipv4",
        server.location,
      );
      return { net: base.net + (ip?.net ?? 0n), gross: base.gross + (ip?.gross ?? 0n) };
    },
    detail: (server) => `${String(server.serverType)} · ${String(server.location)}`,
  },
  "hetzner.loadBalancer": {
    price: (pricing, lb) => locationPrice(pricing.load_balancer_types, lb.type, lb.location),
    detail: (lb) => `${String(lb.type)} · ${String(lb.location)}`,
  },
  // Volumes cost the same per GB everywhere.
  "hetzner.volume": {
    price(pricing, volume) {
      if (typeof volume.size !== "number") return null;
      const perGb = pricing.volume.price_per_gb_month;
      return {
        net: times(parseMoney(perGb.net), volume.size),
        gross: times(parseMoney(perGb.gross), volume.size),
      };
    },
    detail: (volume) => `${String(volume.size)} GB`,
  },
};

/** Whether the plan changes anything that has a price. */
export function touchesPricedKind(plan: Plan): boolean {
  return plan.steps.some((s) => s.action !== "noop" && s.kind.kind in PRICED);
}

export function planCostChange(plan: Plan, pricing: Pricing): CostChange {
  const change: CostChange = { net: 0n, gross: 0n, items: [], unpriced: [] };
  for (const step of plan.steps) {
    const kind = PRICED[step.kind.kind];
    if (!kind || step.action === "noop") continue;
    const before = step.action === "create" ? null : (step.have as Record<string, unknown> | null);
    const after = step.action === "delete" ? null : (step.want as Record<string, unknown> | null);
    const old = before ? kind.price(pricing, before) : { net: 0n, gross: 0n };
    const next = after ? kind.price(pricing, after) : { net: 0n, gross: 0n };
    if (!old || !next) {
      change.unpriced.push(step.address);
      continue;
    }
    const net = next.net - old.net;
    const gross = next.gross - old.gross;
    if (net === 0n && gross === 0n) continue;
    const detail = [before, after]
      .filter((o): o is Record<string, unknown> => o !== null)
      .map((o) => kind.detail(o))
      .join(" → ");
    change.items.push({ address: step.address, net, gross, detail });
    change.net += net;
    change.gross += gross;
  }
  return change;
}
