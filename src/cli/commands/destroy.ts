/** `slipway destroy`: deletes everything the stack made, found through state and ownership labels. */
import { defineCommand } from "citty";
import { pendingSteps } from "../../engine/plan.ts";
import { adoptUnrecorded } from "../../providers/hetzner/sweep.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { confirm } from "../confirm.ts";
import { environmentOf } from "../environment.ts";
import { lockArgs, lockRequest } from "../lock-options.ts";
import { out, paint } from "../output.ts";
import { renderPlan } from "../render-plan.ts";
import { applySession, planSession } from "../stack-run.ts";

export const destroyCommand = defineCommand({
  meta: { name: "destroy", description: "Delete every server, key and setting the stack made" },
  args: { ...globalArgs, ...lockArgs },
  async run({ args }) {
    const lock = lockRequest("destroy", args);
    const session = await openSession(args.config, process.env, { lock, environment: environmentOf(args) });
    try {
      // Objects a killed run created but never recorded still carry the stack's labels: take them too.
      await adoptUnrecorded(session);
      const plan = await planSession(session, { destroy: true });
      out(renderPlan(plan));
      if (pendingSteps(plan).length === 0) return 0;
      if (!(await confirm(`\nDestroy every resource of stack "${session.stack.name}"?`, args.yes))) {
        out("Nothing changed.");
        return 1;
      }
      await applySession(session, plan, { concurrency: 10 });
      out(paint("green", `\nStack "${session.stack.name}" is destroyed.`));
      return 0;
    } finally {
      await session.close();
    }
  },
});
