/** `slipway import ADDRESS ID`: records an existing cloud object in state under a stack address. */
import { defineCommand } from "citty";
import { importResource } from "../../stack/import-resource.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { lockArgs, lockRequest } from "../lock-options.ts";
import { out } from "../output.ts";

export const importCommand = defineCommand({
  meta: { name: "import", description: "Adopt an existing cloud object into state under a stack address" },
  args: {
    ...globalArgs,
    ...lockArgs,
    address: {
      type: "positional",
      required: true,
      description: "Resource address, as `slipway plan` prints it",
      valueHint: "ADDRESS",
    },
    id: {
      type: "positional",
      required: true,
      description: "The object's id: a Hetzner id, ZONE_ID/RECORD_ID for a DNS record, a bucket's name",
      valueHint: "ID",
    },
  },
  async run({ args }) {
    const lock = lockRequest("import", args);
    const session = await openSession(args.config, process.env, { lock, environment: environmentOf(args) });
    try {
      await importResource(session, args.address, args.id);
      out(
        `Imported ${args.address} (id ${args.id}). Run \`slipway plan\` to see how it differs from the stack.`,
      );
      return 0;
    } finally {
      await session.close();
    }
  },
});
