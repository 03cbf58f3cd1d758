/**
 * `slipway cost`: what the stack costs a month, line by line, from Hetzner's live price list
 * (GET /pricing; in the sandbox, its fixture prices). Needs HCLOUD_TOKEN but no state and no servers.
 */
import { defineCommand } from "citty";
import { loadStack } from "../../config/index.ts";
import { estimateCost } from "../../insight/cost/estimate.ts";
import { fetchPricing } from "../../insight/cost/pricing.ts";
import { estimateJson, renderEstimate } from "../../insight/cost/render.ts";
import { createHetznerClient, hetznerSettings } from "../../providers/hetzner/client.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { json, out } from "../output.ts";

export const costCommand = defineCommand({
  meta: { name: "cost", description: "Monthly cost of the stack from Hetzner's price list" },
  args: { ...globalArgs },
  async run({ args }) {
    const environment = environmentOf(args);
    const { stack } = await loadStack(args.config, environment ? { environment } : {});
    const pricing = await fetchPricing(createHetznerClient(hetznerSettings(process.env)));
    const estimate = estimateCost(stack, pricing);
    if (args.json) json(estimateJson(stack.name, estimate));
    else out(renderEstimate(stack.name, estimate));
    return 0;
  },
});
