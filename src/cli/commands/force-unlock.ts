/** `slipway force-unlock ID`: removes a state lock whose run is gone, as `terraform force-unlock LOCK_ID`. */
import { defineCommand } from "citty";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { forceUnlock } from "../lock-options.ts";

export const forceUnlockCommand = defineCommand({
  meta: {
    name: "force-unlock",
    description: "Remove the state lock with this ID (after a run died); asks first unless --yes",
  },
  args: {
    ...globalArgs,
    id: {
      type: "positional",
      required: true,
      description: "Lock ID, as printed by the lock error",
      valueHint: "ID",
    },
  },
  async run({ args }) {
    return (await forceUnlock(args.config, args.id, args.yes, environmentOf(args))) ? 0 : 1;
  },
});
