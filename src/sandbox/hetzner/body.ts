/**
 * Request bodies: checked against the operation's requestBody schema from the spec, then against the
 * semantic rules the spec states in prose (labels). An absent body counts as `{}`, so a POST without
 * one reports its missing required fields rather than a parse error.
 */
import type { ApiRequest } from "./context.ts";
import { invalidField, invalidInput } from "./errors.ts";
import { labelProblems } from "./labels.ts";
import { checkSchema } from "./schema-check.ts";
import { requestSchema, resolveRef } from "./spec.ts";

/** The body of `req` for the spec operation `template`, or throws invalid_input listing every field error. */
export function checkedBody(
  req: ApiRequest,
  template: string,
  body: unknown = req.body,
): Record<string, unknown> {
  const value = body === undefined ? {} : body;
  const schema = requestSchema(req.method, template);
  if (schema) {
    const errors = checkSchema(value, schema, resolveRef);
    if (errors.length > 0) throw invalidInput(errors);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidField("body", "Not a valid mapping type.");
  }
  const record = value as Record<string, unknown>;
  const labels = record.labels as Record<string, string> | undefined;
  if (labels) {
    const problems = labelProblems(labels);
    if (problems.length > 0) throw invalidInput([{ name: "labels", messages: problems }]);
  }
  return record;
}
