/**
 * Checks a request body against the spec's requestBody schema (the OpenAPI 3.0 subset the spec uses:
 * type, nullable, properties, required, additionalProperties, items, enum, bounds, pattern, oneOf, allOf,
 * $ref) and reports field errors worded like Hetzner's API (marshmallow messages, e.g. "Missing data for
 * required field."). Hand-written rather than ajv because ajv is a devDependency and the sandbox ships
 * with the CLI. Unknown properties are ignored, as the real API ignores them.
 */
import type { FieldError } from "./errors.ts";

export interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly nullable?: boolean;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
}

export type RefResolver = (ref: string) => Schema;

const TYPE_MESSAGES: Record<string, string> = {
  string: "Not a valid string.",
  integer: "Not a valid integer.",
  number: "Not a valid number.",
  boolean: "Not a valid boolean.",
  object: "Not a valid mapping type.",
  array: "Not a valid list.",
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return true;
  }
}

function scalarProblems(value: unknown, s: Schema): string[] {
  const out: string[] = [];
  if (s.enum && !s.enum.includes(value)) out.push(`Must be one of: ${s.enum.join(", ")}.`);
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum)
      out.push(`Must be greater than or equal to ${s.minimum}.`);
    if (s.maximum !== undefined && value > s.maximum) out.push(`Must be less than or equal to ${s.maximum}.`);
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength)
      out.push(`Shorter than minimum length ${s.minLength}.`);
    if (s.maxLength !== undefined && value.length > s.maxLength)
      out.push(`Longer than maximum length ${s.maxLength}.`);
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(value))
      out.push("String does not match expected pattern.");
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems)
      out.push(`Shorter than minimum length ${s.minItems}.`);
    if (s.maxItems !== undefined && value.length > s.maxItems)
      out.push(`Longer than maximum length ${s.maxItems}.`);
  }
  return out;
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** Every field error of `value` against `schema`; an empty list means valid. */
export function checkSchema(value: unknown, schema: Schema, resolve: RefResolver, path = ""): FieldError[] {
  const s = schema.$ref ? resolve(schema.$ref) : schema;
  const here = (message: string): FieldError[] => [{ name: path || "body", messages: [message] }];
  if (value === null) return s.nullable ? [] : here("Field may not be null.");
  if (s.allOf) {
    const errors = s.allOf.flatMap((part) => checkSchema(value, part, resolve, path));
    if (errors.length > 0) return errors;
  }
  if (s.oneOf) {
    const results = s.oneOf.map((part) => checkSchema(value, part, resolve, path));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1)
      return passing === 0 ? (results[0] ?? here("Invalid value.")) : here("Ambiguous value.");
  }
  if (s.type && !hasType(value, s.type)) return here(TYPE_MESSAGES[s.type] ?? "Invalid value.");
  const scalar = scalarProblems(value, s);
  if (scalar.length > 0) return [{ name: path || "body", messages: scalar }];
  if (Array.isArray(value) && s.items) {
    const items = s.items;
    return value.flatMap((item, i) => checkSchema(item, items, resolve, join(path, i)));
  }
  if (isObject(value)) {
    const errors: FieldError[] = [];
    for (const name of s.required ?? []) {
      if (value[name] === undefined)
        errors.push({ name: join(path, name), messages: ["Missing data for required field."] });
    }
    for (const [key, item] of Object.entries(value)) {
      const sub =
        s.properties?.[key] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : null);
      if (sub && item !== undefined) errors.push(...checkSchema(item, sub, resolve, join(path, key)));
    }
    return errors;
  }
  return [];
}
