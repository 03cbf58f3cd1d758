/**
 * Hetzner's price list (`GET /pricing`), the part slipway's cost estimate reads, checked with zod at
 * the boundary. Prices are per location, net and gross (the project owner's VAT), monthly caps.
 */
import { z } from "zod";
import type { HetznerClient } from "../../providers/hetzner/client.ts";
import { ensure } from "../../providers/hetzner/errors.ts";

const Price = z.object({ net: z.string(), gross: z.string() });

const LocationPrice = z.object({
  location: z.string(),
  price_monthly: Price,
  included_traffic: z.number().optional(),
  price_per_tb_traffic: Price.optional(),
});
export type LocationPrice = z.infer<typeof LocationPrice>;

const Typed = z.object({ name: z.string(), prices: z.array(LocationPrice) });

export const Pricing = z.object({
  currency: z.string(),
  vat_rate: z.string(),
  primary_ips: z.array(z.object({ type: z.string(), prices: z.array(LocationPrice) })),
  volume: z.object({ price_per_gb_month: Price }),
  server_backup: z.object({ percentage: z.string() }),
  server_types: z.array(Typed),
  load_balancer_types: z.array(Typed),
});
export type Pricing = z.infer<typeof Pricing>;

export async function fetchPricing(hetzner: HetznerClient): Promise<Pricing> {
  const body = ensure(await hetzner.GET("/pricing"), "read Hetzner's price list");
  const parsed = Pricing.safeParse(body.pricing);
  if (!parsed.success) {
    throw new Error(`GET /pricing answered a price list slipway cannot read: ${parsed.error.message}`);
  }
  return parsed.data;
}
