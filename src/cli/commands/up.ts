/** `slipway up`: makes reality match the stack file, after showing the plan. */
import { defineCommand } from "citty";
import { pendingSteps } from "../../engine/plan.ts";
import { UsageError } from "../../errors.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { confirm } from "../confirm.ts";
import { environmentOf } from "../environment.ts";
import { forceUnlock, lockArgs, lockRequest } from "../lock-options.ts";
import { out, paint, progress } from "../output.ts";
import { renderPlan } from "../render-plan.ts";
import { applySession, planSession } from "../stack-run.ts";
import { targetArgs, targetsFrom, warnTargeting } from "../targets.ts";
import { warnUnsupported } from "../unsupported.ts";
import { printEndpoints } from "./status.ts";

export const upCommand = defineCommand({
  meta: { name: "up", description: "Create or update everything the stack describes" },
  args: {
    ...globalArgs,
    concurrency: {
      type: "string",
      description: "Operations run at once (default 10)",
      valueHint: "N",
      default: "10",
    },
    ...targetArgs,
    ...lockArgs,
    "force-unlock": {
      type: "string",
      description: "First remove the state lock with this ID (a run that died); asks unless --yes",
      valueHint: "ID",
    },
  },
  async run({ args, rawArgs }) {
    const concurrency = Number(args.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency: expected a whole number of at least 1, got "${args.concurrency}"`);
    }
    const targets = targetsFrom(rawArgs);
    const lock = lockRequest("up", args);
    const environment = environmentOf(args);
    if (
      args["force-unlock"] &&
      !(await forceUnlock(args.config, args["force-unlock"], args.yes, environment))
    )
      return 1;
    const started = Date.now();
    const session = await openSession(args.config, process.env, { lock, environment });
    try {
      warnUnsupported(session.stack);
      warnTargeting(targets);
      const plan = await planSession(session, { targets });
      out(renderPlan(plan));
      if (pendingSteps(plan).length === 0) {
        // Only objects to record in state: nothing in the cloud changes, so nothing to confirm.
        await applySession(session, plan, { concurrency });
        return 0;
      }
      if (!(await confirm("\nApply these changes?", args.yes))) {
        out("Nothing changed.");
        return 1;
      }
      await applySession(session, plan, { concurrency });
      progress(`up finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      out(paint("green", "\nThe stack is up."));
      await printEndpoints(session);
      return 0;
    } finally {
      await session.close();
    }
  },
});
