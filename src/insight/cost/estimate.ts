/**
 * The monthly cost of a stack from Hetzner's price list: every server (by type and location), its
 * backups (a percentage of the server), its primary IPs, load balancers, volumes, and an estimate for
 * object storage, which /pricing does not list. Monthly caps are what a resource costs when it exists
 * all month. Pure: the price list comes in, so tests sum the sandbox's fixture prices by hand.
 */
import type { Stack } from "../../config/index.ts";
import { UsageError } from "../../errors.ts";
import { serverInstances } from "../../stack/resources.ts";
import { type Money, parseMoney, times } from "./money.ts";
import type { LocationPrice, Pricing } from "./pricing.ts";

/**
 * Hetzner Object Storage is billed per project: €4.99 net a month including 1 TB stored and 1 TB of
 * egress (hetzner.com, August 2025). It is not part of GET /pricing, so this one figure is slipway's.
 */
export const OBJECT_STORAGE_MONTHLY_NET = "4.99";

export type CostKind =
  | "server"
  | "backups"
  | "primary-ipv4"
  | "primary-ipv6"
  | "load-balancer"
  | "volume"
  | "object-storage";

export interface CostLine {
  kind: CostKind;
  /** What is billed: "server web-1", "volume data on master". */
  resource: string;
  /** Type, location, size. */
  detail: string;
  net: Money;
  gross: Money;
  /** Not from /pricing: an assumption stated in `detail`. */
  estimate: boolean;
}

export interface Traffic {
  /** Included outgoing traffic, bytes, summed over servers and load balancers. */
  includedBytes: number;
  /** Price of each TB beyond it, net, as the price list states (the first one found). */
  perTbNet: Money | null;
}

export interface CostEstimate {
  currency: string;
  vatRate: string;
  lines: CostLine[];
  net: Money;
  gross: Money;
  traffic: Traffic;
}

function priceAt(
  prices: readonly LocationPrice[],
  location: string,
  what: string,
  field: string,
): LocationPrice {
  const found = prices.find((p) => p.location === location);
  if (!found) {
    const where = prices.map((p) => p.location).join(", ");
    throw new UsageError(`${field}: Hetzner lists no price for ${what} in ${location}`, {
      hint: where
        ? `It is sold in: ${where}.`
        : `Check the name with: hcloud ${field.startsWith("loadBalancers") ? "load-balancer-type" : "server-type"} list`,
    });
  }
  return found;
}

function typed(list: Pricing["server_types"], name: string, field: string): Pricing["server_types"][number] {
  const found = list.find((t) => t.name === name);
  if (!found) throw new UsageError(`${field}: "${name}" is not on Hetzner's price list`);
  return found;
}

export function estimateCost(stack: Stack, pricing: Pricing): CostEstimate {
  const lines: CostLine[] = [];
  const traffic: Traffic = { includedBytes: 0, perTbNet: null };
  const vat = (net: Money) => net + times(net, Number(pricing.vat_rate) / 100);
  const add = (line: Omit<CostLine, "estimate"> & { estimate?: boolean }) =>
    lines.push({ estimate: false, ...line });
  const countTraffic = (price: LocationPrice) => {
    traffic.includedBytes += price.included_traffic ?? 0;
    if (traffic.perTbNet === null && price.price_per_tb_traffic)
      traffic.perTbNet = parseMoney(price.price_per_tb_traffic.net);
  };

  for (const instance of serverInstances(stack)) {
    const spec = stack.servers[instance.group]!;
    const field = `servers.${instance.group}.type`;
    const price = priceAt(
      typed(pricing.server_types, spec.type, field).prices,
      spec.location,
      spec.type,
      field,
    );
    const net = parseMoney(price.price_monthly.net);
    const gross = parseMoney(price.price_monthly.gross);
    add({
      kind: "server",
      resource: `server ${instance.name}`,
      detail: `${spec.type} · ${spec.location}`,
      net,
      gross,
    });
    countTraffic(price);
    if (spec.backups) {
      const share = pricing.server_backup.percentage;
      add({
        kind: "backups",
        resource: `backups of ${instance.name}`,
        detail: `${Number(share)}% of ${spec.type}`,
        net: times(net, Number(share) / 100),
        gross: times(gross, Number(share) / 100),
      });
    }
    for (const [type, wanted] of [
      ["ipv4", spec.ipv4],
      ["ipv6", spec.ipv6],
    ] as const) {
      if (!wanted) continue;
      const ip = pricing.primary_ips.find((p) => p.type === type);
      if (!ip) continue;
      const p = priceAt(ip.prices, spec.location, `a primary ${type}`, `servers.${instance.group}.${type}`);
      // A free primary IPv6 would only add a zero line per server; the footer says IPv6 is free.
      if (parseMoney(p.price_monthly.net) === 0n && parseMoney(p.price_monthly.gross) === 0n) continue;
      add({
        kind: `primary-${type}`,
        resource: `primary ${type === "ipv4" ? "IPv4" : "IPv6"} of ${instance.name}`,
        detail: spec.location,
        net: parseMoney(p.price_monthly.net),
        gross: parseMoney(p.price_monthly.gross),
      });
    }
  }

  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    const field = `loadBalancers.${name}.type`;
    const price = priceAt(
      typed(pricing.load_balancer_types, lb.type, field).prices,
      lb.location,
      lb.type,
      field,
    );
    add({
      kind: "load-balancer",
      resource: `load balancer ${name}`,
      detail: `${lb.type} · ${lb.location}`,
      net: parseMoney(price.price_monthly.net),
      gross: parseMoney(price.price_monthly.gross),
    });
    countTraffic(price);
  }

  const perGb = pricing.volume.price_per_gb_month;
  for (const [name, volume] of Object.entries(stack.volumes)) {
    for (const instance of serverInstances(stack).filter((i) => volume.servers.includes(i.group))) {
      add({
        kind: "volume",
        resource: `volume ${name} on ${instance.name}`,
        detail: `${volume.size} GB`,
        net: times(parseMoney(perGb.net), volume.size),
        gross: times(parseMoney(perGb.gross), volume.size),
      });
    }
  }

  if (Object.keys(stack.buckets).length > 0) {
    const net = parseMoney(OBJECT_STORAGE_MONTHLY_NET);
    add({
      kind: "object-storage",
      resource: `object storage (${Object.values(stack.buckets)
        .map((b) => b.name)
        .join(", ")})`,
      detail: "Hetzner base price, 1 TB + 1 TB egress included",
      net,
      gross: vat(net),
      estimate: true,
    });
  }

  return {
    currency: pricing.currency,
    vatRate: pricing.vat_rate,
    lines,
    net: lines.reduce((sum, l) => sum + l.net, 0n),
    gross: lines.reduce((sum, l) => sum + l.gross, 0n),
    traffic,
  };
}
