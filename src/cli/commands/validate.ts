/** `slipway validate`: checks the stack file without touching any cloud. Exit 2 names what is wrong. */
import { defineCommand } from "citty";
import { loadStack } from "../../config/index.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { json, out, paint } from "../output.ts";

export const validateCommand = defineCommand({
  meta: { name: "validate", description: "Check the stack file" },
  args: { ...globalArgs },
  async run({ args }) {
    const environment = environmentOf(args);
    const { stack, file } = await loadStack(args.config, environment ? { environment } : {});
    const count = (record: Record<string, unknown>) => Object.keys(record).length;
    const servers = Object.values(stack.servers).reduce((n, s) => n + s.count, 0);
    if (args.json) {
      return json({
        valid: true,
        file,
        stack: stack.name,
        environment: stack.environment,
        servers,
        services: count(stack.services),
      });
    }
    out(
      `${paint("green", "✓")} ${file}: stack "${stack.name}" is valid ` +
        `(${servers} server(s), ${count(stack.services)} service(s), ${count(stack.accessories)} accessory(ies))`,
    );
  },
});
