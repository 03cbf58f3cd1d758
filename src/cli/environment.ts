/**
 * Which environment of the stack a command works on: `--environment NAME` (`-e`), else
 * SLIPWAY_ENVIRONMENT, else the stack as written. The name is checked here for its shape, because it
 * becomes a directory (.slipway/env/NAME) and a file name before some commands load the stack;
 * whether the stack defines it is checked where the stack is loaded (parseStack), or by
 * checkEnvironment for the commands that otherwise would not load it.
 */
import { BASE_ENVIRONMENT, loadStack } from "../config/index.ts";
import { UsageError } from "../errors.ts";

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The selected environment, or undefined for the stack as written ("production" included). */
export function environmentOf(
  args: { environment?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const fromFlag = args.environment !== undefined;
  const name = fromFlag ? args.environment : env.SLIPWAY_ENVIRONMENT || undefined;
  if (name === undefined || name === BASE_ENVIRONMENT) return undefined;
  if (!NAME.test(name)) {
    throw new UsageError(
      `${fromFlag ? "--environment" : "SLIPWAY_ENVIRONMENT"}: expected an environment name of lowercase letters, digits and dashes such as "staging", got "${name}"`,
    );
  }
  return name;
}

/** Fails with the defined environments (exit 2) unless the stack in `configPath` defines `environment`. */
export async function checkEnvironment(configPath: string, environment: string | undefined): Promise<void> {
  if (environment !== undefined) await loadStack(configPath, { environment });
}
