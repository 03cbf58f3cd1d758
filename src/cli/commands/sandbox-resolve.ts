/** `slipway sandbox resolve NAME [--type T]`: what the sandbox's DNS answers for a name, dig +short style. */
import { defineCommand } from "citty";
import { parseResolveType, RESOLVE_TYPES, resolveInSandbox } from "../../sandbox/dns/resolve.ts";
import { globalArgs } from "../args.ts";
import { json, out } from "../output.ts";

export const resolveCommand = defineCommand({
  meta: {
    name: "resolve",
    description: "Resolve a name with the sandbox's DNS (proxied records answer with the edge's address)",
  },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "The name to look up", valueHint: "NAME" },
    type: {
      type: "string",
      description: `Record type: ${RESOLVE_TYPES.join(", ")} (default A)`,
      valueHint: "T",
    },
  },
  async run({ args }) {
    const type = parseResolveType(args.type);
    const records = await resolveInSandbox(args.name, type);
    if (args.json) return json({ name: args.name, type, records });
    for (const line of records) out(line);
  },
});
