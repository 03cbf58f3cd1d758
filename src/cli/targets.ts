/**
 * `--target RESOURCE` (repeatable) for plan and up. citty keeps only the last value of a repeated
 * flag, so the values are read from the raw argv.
 */
import { UsageError } from "../errors.ts";
import { warn } from "./output.ts";

export const targetArgs = {
  target: {
    type: "string",
    description: "Only this resource and what it depends on (repeatable), e.g. hetzner.server.web",
    valueHint: "RESOURCE",
  },
} as const;

/** Every value of `--target X` / `--target=X`, in order, before any `--`. */
export function targetsFrom(rawArgs: readonly string[]): string[] {
  const targets: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i]!;
    if (token === "--") break;
    if (token === "--target") {
      const value = rawArgs[++i];
      if (value === undefined || value === "") throw new UsageError("--target needs a resource address");
      targets.push(value);
    } else if (token.startsWith("--target=")) {
      const value = token.slice("--target=".length);
      if (value === "") throw new UsageError("--target needs a resource address");
      targets.push(value);
    }
  }
  return targets;
}

export function warnTargeting(targets: readonly string[]): void {
  if (targets.length === 0) return;
  warn(
    `resource targeting is in effect (${targets.join(", ")}): this plan covers only those resources and what they depend on, ` +
      "so it may not show every change the stack file asks for. Use it to repair or roll out one part, then run a plain plan.",
  );
}
