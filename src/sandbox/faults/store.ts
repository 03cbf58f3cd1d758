/**
 * The fault plan on disk. Writers (the CLI) replace the file atomically; readers (the emulators, on every
 * request) re-parse it only when the file changes, so a fault costs one stat per request.
 * A missing or unreadable file means no faults: a broken plan must never take the sandbox down.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { UserError } from "../../errors.ts";
import { writeJsonFile } from "../emulator/json-file.ts";
import {
  decideApiFault,
  emptyFaultPlan,
  type FaultPlan,
  type FaultService,
  faultPlanSchema,
} from "./plan.ts";

export function readFaultPlan(file: string): FaultPlan {
  if (!existsSync(file)) return emptyFaultPlan();
  const parsed = faultPlanSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new UserError(`${file} is not a fault plan slipway understands`, {
      hint: "Run slipway sandbox fault heal to reset it.",
    });
  }
  return parsed.data;
}

export function writeFaultPlan(file: string, plan: FaultPlan): void {
  writeJsonFile(file, plan);
}

export type ApiFaultSource = (service: FaultService) => { delayMs: number; failWith: number | null } | null;

/** A per-request decision function for the emulators, backed by the plan file. */
export function watchApiFaults(file: string, random: () => number = Math.random): ApiFaultSource {
  let seen = "";
  let plan = emptyFaultPlan();
  return (service) => {
    let version = "none";
    try {
      // The inode changes with every atomic replace, so two writes within one mtime tick still count.
      const stat = statSync(file);
      version = `${stat.ino}:${stat.mtimeMs}`;
    } catch {
      version = "none";
    }
    if (version !== seen) {
      seen = version;
      try {
        plan = version === "none" ? emptyFaultPlan() : readFaultPlan(file);
      } catch {
        plan = emptyFaultPlan();
      }
    }
    return decideApiFault(plan, service, random());
  };
}
