/**
 * Cost estimates and plan cost changes as people read them (an aligned table) and as JSON (amounts as
 * decimal strings, like Hetzner's own API, so no float rounding creeps into scripts).
 */

import type { CostEstimate } from "./estimate.ts";
import { formatMoney, type Money } from "./money.ts";
import type { CostChange } from "./plan-change.ts";

const TB = 1024 ** 4;

function signed(amount: Money): string {
  return `${amount > 0n ? "+" : ""}${formatMoney(amount)}`;
}

export function renderEstimate(stack: string, estimate: CostEstimate): string {
  const rows = estimate.lines.map((l) => [
    `${l.resource}${l.estimate ? " *" : ""}`,
    l.detail,
    formatMoney(l.net),
    formatMoney(l.gross),
  ]);
  const total = ["Total per month", "", formatMoney(estimate.net), formatMoney(estimate.gross)];
  const header = ["resource", "detail", "net", "gross"];
  const all = [header, ...rows, total];
  const width = (i: number) => Math.max(...all.map((r) => r[i]!.length));
  const line = (r: string[]) =>
    `  ${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]!.padStart(width(2))}  ${r[3]!.padStart(width(3))}`.trimEnd();
  const lines = [
    `Monthly cost of ${stack} (${estimate.currency}, Hetzner's price list, VAT ${Number(estimate.vatRate)}%)`,
    "",
    line(header),
    ...rows.map(line),
    "",
    line(total),
    "",
  ];
  if (estimate.traffic.includedBytes > 0) {
    const perTb =
      estimate.traffic.perTbNet === null
        ? ""
        : `; each further TB costs ${formatMoney(estimate.traffic.perTbNet)} net`;
    lines.push(
      `Traffic: ${Math.round(estimate.traffic.includedBytes / TB)} TB outgoing a month included${perTb}.`,
    );
  }
  if (estimate.lines.some((l) => l.estimate))
    lines.push(
      "* an estimate: Hetzner Object Storage is not on the price list the API serves (€4.99 net base, August 2025).",
    );
  lines.push("Free: private networks, firewalls, placement groups, IPv6, incoming traffic, Cloudflare DNS.");
  return lines.join("\n");
}

export function estimateJson(stack: string, estimate: CostEstimate) {
  return {
    stack,
    currency: estimate.currency,
    vat_rate: estimate.vatRate,
    lines: estimate.lines.map((l) => ({
      kind: l.kind,
      resource: l.resource,
      detail: l.detail,
      net: formatMoney(l.net, 4),
      gross: formatMoney(l.gross, 4),
      estimate: l.estimate,
    })),
    total: { net: formatMoney(estimate.net, 4), gross: formatMoney(estimate.gross, 4) },
    traffic: {
      included_tb: Math.round(estimate.traffic.includedBytes / TB),
      per_tb_net: estimate.traffic.perTbNet === null ? null : formatMoney(estimate.traffic.perTbNet, 4),
    },
  };
}

/** Nothing when the plan does not change the bill. */
export function renderCostChange(change: CostChange, currency: string): string | null {
  if (change.items.length === 0 && change.unpriced.length === 0) return null;
  return [
    `Monthly cost: ${signed(change.net)} ${currency} net (${signed(change.gross)} gross)`,
    ...change.items.map((i) => `  ${signed(i.net).padStart(8)}  ${i.address} (${i.detail})`),
    ...change.unpriced.map((a) => `  ${"?".padStart(8)}  ${a} (not on the price list)`),
  ].join("\n");
}

export function costChangeJson(change: CostChange, currency: string) {
  return {
    currency,
    net: formatMoney(change.net, 4),
    gross: formatMoney(change.gross, 4),
    items: change.items.map((i) => ({
      address: i.address,
      detail: i.detail,
      net: formatMoney(i.net, 4),
      gross: formatMoney(i.gross, 4),
    })),
    unpriced: change.unpriced,
  };
}
