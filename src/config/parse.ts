/**
 * parseStack: validation of a whole stack file, including each environment's merged stack. An issue
 * caused by an environment's override is reported under `environments.<name>`; one the override did not
 * touch is reported at its own path (once, even if every environment inherits it).
 */
import type { z } from "zod";
import { BASE_ENVIRONMENT, isPlainObject, mergeOverride, overrideHas } from "./environments.ts";
import { type ConfigIssue, errorMap, fromZodIssues, StackConfigError } from "./issues.ts";
import { sharedRecordIssues } from "./shared-records.ts";
import { type Stack, stackSchema } from "./stack.ts";
import { didYouMean } from "./suggest.ts";

export interface ParseOptions {
  /** Return the stack merged for this environment. Default: the stack as written ("production"). */
  environment?: string;
}

function validate(raw: unknown, environment: string) {
  return stackSchema(environment).safeParse(raw, { error: errorMap, reportInput: true });
}

/**
 * Validates `raw` (the default export of a stack file) and returns it with every default applied.
 * @param file shown after each issue, e.g. "slipway.config.ts"
 * @throws StackConfigError listing every problem found
 */
export function parseStack(raw: unknown, file?: string, options: ParseOptions = {}): Stack {
  if (!isPlainObject(raw)) {
    throw new StackConfigError(
      [
        {
          path: "",
          message:
            'expected the stack as an object: export default defineStack({ name: "…", servers: { … } })',
        },
      ],
      file,
    );
  }
  const base = validate(raw, BASE_ENVIRONMENT);
  const issues: ConfigIssue[] = base.success ? [] : fromZodIssues(base.error.issues);
  const seen = new Set(issues.map((issue) => `${issue.path}\n${issue.message}`));
  const environments = isPlainObject(raw.environments) ? raw.environments : {};
  let selected: Stack | undefined = base.success ? base.data : undefined;
  const valid = new Map<string, Stack>(base.success ? [[BASE_ENVIRONMENT, base.data]] : []);

  for (const [name, override] of Object.entries(environments)) {
    if (!isPlainObject(override) || name === BASE_ENVIRONMENT) continue; // reported by the base schema
    if (typeof raw.name === "string" && raw.name.length + name.length + 1 > 40) {
      issues.push({
        path: `environments.${name}`,
        message: `the stack would be named "${raw.name}-${name}", longer than 40 characters; shorten one of the names`,
      });
      continue;
    }
    const merged = environmentInput(raw, name, override);
    const result = validate(merged, name);
    if (result.success) {
      if (options.environment === name) selected = result.data;
      valid.set(name, result.data);
      continue;
    }
    for (const issue of result.error.issues.flatMap(perKey)) {
      const at = [...issue.path, ...(issue.code === "unrecognized_keys" ? issue.keys : [])];
      const own = at.length > 0 && overrideHas(override, at as (string | number)[]);
      for (const line of fromZodIssues([issue], own ? ["environments", name] : [])) {
        const key = `${line.path}\n${line.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        issues.push(own ? line : { ...line, message: `${line.message} (in environment "${name}")` });
      }
    }
  }
  issues.push(...sharedRecordIssues(valid));
  if (issues.length > 0) throw new StackConfigError(issues, file);
  if (
    options.environment !== undefined &&
    options.environment !== BASE_ENVIRONMENT &&
    !Object.hasOwn(environments, options.environment)
  ) {
    const known = [BASE_ENVIRONMENT, ...Object.keys(environments)].map((n) => `"${n}"`).join(", ");
    throw new StackConfigError(
      [
        {
          path: "environments",
          message: `no environment "${options.environment}"; defined: ${known}${didYouMean(options.environment, [BASE_ENVIRONMENT, ...Object.keys(environments)])}`,
        },
      ],
      file,
    );
  }
  return selected!;
}

/** Splits an unknown-keys issue into one per key, since each key may come from a different file layer. */
function perKey(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "unrecognized_keys" || issue.keys.length < 2) return [issue];
  const messages = issue.message.split("\n");
  return issue.keys.map((key, i) => ({ ...issue, keys: [key], message: messages[i] ?? "unknown key" }));
}

/** The raw stack of one environment: the override merged over the stack, renamed `<name>-<environment>`. */
function environmentInput(
  raw: Record<string, unknown>,
  environment: string,
  override: Record<string, unknown>,
) {
  const merged = mergeOverride(raw, override) as Record<string, unknown>;
  const name = typeof raw.name === "string" ? `${raw.name}-${environment}` : raw.name;
  return { ...merged, name, environments: raw.environments };
}
