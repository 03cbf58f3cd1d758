/** `slipway plan`: what `up` would change, read from reality. --detailed-exitcode: 0 none, 2 pending. */
import { defineCommand } from "citty";
import { pendingSteps } from "../../engine/plan.ts";
import { planCost } from "../../insight/cost/plan-cost.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { json, out, warn } from "../output.ts";
import { planJson, renderPlan } from "../render-plan.ts";
import { planSession } from "../stack-run.ts";
import { targetArgs, targetsFrom, warnTargeting } from "../targets.ts";
import { warnUnsupported } from "../unsupported.ts";

export const planCommand = defineCommand({
  meta: { name: "plan", description: "Show what `up` would change" },
  args: {
    ...globalArgs,
    ...targetArgs,
    "detailed-exitcode": { type: "boolean", description: "Exit 2 when there are changes, 0 when none" },
  },
  async run({ args, rawArgs }) {
    const targets = targetsFrom(rawArgs);
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    try {
      warnUnsupported(session.stack);
      warnTargeting(targets);
      const plan = await planSession(session, { targets });
      const cost = await planCost(session.ctx.hetzner, plan, warn);
      if (args.json) json({ ...planJson(plan), monthly_cost_change: cost.json });
      else out([renderPlan(plan), ...cost.text].join("\n\n"));
      return args["detailed-exitcode"] && pendingSteps(plan).length > 0 ? 2 : 0;
    } finally {
      await session.close();
    }
  },
});
