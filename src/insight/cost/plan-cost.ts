/**
 * The cost part of `slipway plan`: reads the price list only when the plan touches a priced resource,
 * and never fails the plan: without a price list the plan still prints, with a warning.
 */
import type { Plan } from "../../engine/plan.ts";
import { errorMessage } from "../../errors.ts";
import type { HetznerClient } from "../../providers/hetzner/client.ts";
import { planCostChange, touchesPricedKind } from "./plan-change.ts";
import { fetchPricing } from "./pricing.ts";
import { costChangeJson, renderCostChange } from "./render.ts";

export interface PlanCost {
  /** For `plan --json`: null when nothing priced changes or prices could not be read. */
  json: ReturnType<typeof costChangeJson> | null;
  /** Paragraphs to print after the plan. */
  text: string[];
}

export async function planCost(
  hetzner: HetznerClient,
  plan: Plan,
  warn: (text: string) => void,
): Promise<PlanCost> {
  if (!touchesPricedKind(plan)) return { json: null, text: [] };
  try {
    const pricing = await fetchPricing(hetzner);
    const change = planCostChange(plan, pricing);
    const text = renderCostChange(change, pricing.currency);
    return { json: costChangeJson(change, pricing.currency), text: text ? [text] : [] };
  } catch (error) {
    warn(`the monthly cost change is unknown: ${errorMessage(error)}`);
    return { json: null, text: [] };
  }
}
