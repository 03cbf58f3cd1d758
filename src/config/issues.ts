/**
 * Turns zod issues into the lines users read: `services.web.healthcheck.path: expected a string starting
 * with "/" (slipway.config.ts)`. Three zod habits are undone here: an unknown-keys issue names several
 * keys at the parent's path (we give one line per key, at the key, with a suggestion); a union failure
 * hides the branch that got inside the value (we surface it); a record key error hides its reason.
 */
import type { z } from "zod";
import { UsageError } from "../errors.ts";
import { didYouMean } from "./suggest.ts";

export interface ConfigIssue {
  /** Dotted path with [i] for array indices, e.g. "services.web.domains[0]"; "" for the whole file. */
  path: string;
  message: string;
}

/** A stack file that failed to load or validate. Exit code 2; the CLI prints the message without a stack. */
export class StackConfigError extends UsageError {
  readonly issues: ConfigIssue[];
  readonly file: string | undefined;

  constructor(issues: ConfigIssue[], file?: string, options: { hint?: string; cause?: unknown } = {}) {
    super(formatIssues(issues, file), options);
    this.name = "StackConfigError";
    this.issues = issues;
    this.file = file;
  }
}

export function formatIssues(issues: readonly ConfigIssue[], file?: string): string {
  const where = file === undefined ? "" : ` (${file})`;
  return issues.map((issue) => `${issue.path ? `${issue.path}: ` : ""}${issue.message}${where}`).join("\n");
}

/** "services.web.domains[0]" from ["services", "web", "domains", 0]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** Our issues, in order, from zod's, with paths relative to `prefix`. */
export function fromZodIssues(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return issues.flatMap((issue) => expand(issue, prefix));
}

function expand(issue: Issue, prefix: readonly PropertyKey[]): ConfigIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    const messages = issue.message.split("\n");
    return issue.keys.map((key, i) => ({
      path: formatPath([...path, key]),
      message: messages.length === issue.keys.length ? messages[i]! : "unknown key",
    }));
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // A branch that got inside the value (an issue below its root) is the one the user meant.
    const near = issue.errors.filter((branch) => branch.some((e) => e.path.length > 0));
    if (near.length === 1) return fromZodIssues(near[0]!, path);
  }
  if (issue.code === "invalid_key" && issue.issues.length > 0) {
    return [{ path: formatPath(path), message: `invalid name: ${issue.issues[0]!.message}` }];
  }
  const missing =
    (issue.code === "invalid_type" || issue.code === "invalid_union") &&
    "input" in issue &&
    issue.input === undefined;
  return [{ path: formatPath(path), message: missing ? `required; ${issue.message}` : issue.message }];
}

const KINDS: Record<string, string> = {
  object: "an object such as { … }",
  array: "a list such as [ … ]",
  boolean: "true or false",
  number: "a number",
  int: "a whole number",
  string: "a string",
};

/**
 * Messages for issues whose schema gave none: unknown keys (with the closest known key) and plain type
 * mismatches. Passed to zod as the per-parse error map.
 */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === "unrecognized_keys") {
    const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod
      ?.def?.shape;
    const known = Object.keys(shape ?? {});
    return iss.keys.map((key) => `unknown key${didYouMean(key, known)}`).join("\n");
  }
  if (iss.code === "invalid_type") return `expected ${KINDS[iss.expected] ?? iss.expected}`;
  if (iss.code === "too_small" && iss.origin === "array") return `expected at least ${iss.minimum} item(s)`;
  if (iss.code === "too_big" && iss.origin === "array") return `expected at most ${iss.maximum} item(s)`;
  if (iss.code === "too_small" && iss.origin === "string")
    return `expected at least ${iss.minimum} character(s)`;
  if (iss.code === "too_big" && iss.origin === "string")
    return `expected at most ${iss.maximum} character(s)`;
  if (iss.code === "too_small" || iss.code === "too_big") {
    const bound = iss.code === "too_small" ? `at least ${iss.minimum}` : `at most ${iss.maximum}`;
    return `expected a number ${bound}`;
  }
  if (iss.code === "invalid_value")
    return `expected ${iss.values.map((v) => JSON.stringify(v)).join(" or ")}`;
  if (iss.code === "invalid_format") {
    return iss.format === "regex" ? "expected a different format" : `expected a valid ${iss.format}`;
  }
  return "invalid value";
};
