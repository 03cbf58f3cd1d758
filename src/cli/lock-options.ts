/**
 * The lock flags of commands that write state (`up`, `destroy`): how long to wait for another run's
 * lock, and Terraform's escape hatch for a lock whose run is gone.
 */
import { dirname, resolve } from "node:path";
import { parseDuration } from "../config/index.ts";
import { describeHolder, type LockRequest, type StateLock } from "../engine/lock.ts";
import { UsageError } from "../errors.ts";
import { stateStorage } from "../stack/state-setup.ts";
import { confirm } from "./confirm.ts";
import { checkEnvironment, environmentOf } from "./environment.ts";
import { out, progress } from "./output.ts";

export const lockArgs = {
  "lock-timeout": {
    type: "string",
    description: "Wait this long for another run's state lock, e.g. 30s or 5m (0s: fail at once)",
    valueHint: "DURATION",
    default: "0s",
  },
} as const;

export function lockRequest(
  reason: string,
  args: { "lock-timeout"?: string; environment?: string },
): LockRequest {
  const timeout = args["lock-timeout"];
  const environment = environmentOf(args);
  const timeoutMs = parseDuration(timeout ?? "0s");
  if (timeoutMs === undefined) {
    throw new UsageError(`--lock-timeout: expected a duration such as 30s or 5m, got "${timeout}"`);
  }
  return {
    reason,
    timeoutMs,
    unlockCommand: (id) => `slipway force-unlock ${id}${environment ? ` -e ${environment}` : ""}`,
    onWait: (holder) =>
      progress(`State is locked by ${describeHolder(holder)}; waiting up to ${timeout} ...`),
  };
}

/**
 * The lock of the stack whose file is `configPath` (beside its state). The stack file is loaded only to
 * check a named environment exists, so a broken stack file cannot keep its own lock in place.
 */
export async function stackLock(configPath: string, environment?: string): Promise<StateLock> {
  await checkEnvironment(configPath, environment);
  return stateStorage(dirname(resolve(configPath)), process.env, environment).lock;
}

/** Removes the lock `id` after showing who holds it and asking (unless --yes). False if declined. */
export async function forceUnlock(
  configPath: string,
  id: string,
  yes: boolean | undefined,
  environment?: string,
): Promise<boolean> {
  const lock = await stackLock(configPath, environment);
  const current = await lock.current();
  if (current && current.id === id) {
    out(`Lock ${id} is held by ${describeHolder(current)}, lease expires ${current.expires}.`);
    out("Removing it lets other runs write this state even if that run is still working.");
  }
  const question = "Do you really want to force-unlock?";
  if (current?.id === id && !(await confirm(question, yes))) {
    out("The lock was left in place.");
    return false;
  }
  await lock.forceUnlock(id); // explains a missing lock or a wrong id
  out(`State lock ${id} removed.`);
  return true;
}
