/**
 * The oracle for the Hetzner emulator: validates a response (method, concrete path like /v1/servers/42,
 * status, JSON body) against the response schema that apis/hetzner-cloud.openapi.json gives that
 * operation and status (exact status, else `4xx`/`5xx`). Independent of the emulator's own router on
 * purpose. Schemas are compiled with ajv (OpenAPI `nullable` is an ajv keyword; the spec's number formats
 * int32/int64/double and string format `decimal` are added). Stricter than the spec in one way: objects
 * that list `properties` reject unlisted ones, so a misspelt field in the emulator cannot pass.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>>; components?: Json };

const spec = JSON.parse(
  readFileSync(new URL("../../apis/hetzner-cloud.openapi.json", import.meta.url), "utf8"),
) as Spec;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat("int32", {
  type: "number",
  validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
});
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat("double", { type: "number", validate: (n: number) => Number.isFinite(n) });
ajv.addFormat("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
ajv.addFormat("decimal", /^-?\d+(\.\d+)?$/);
ajv.addSchema({ components: spec.components ?? {} }, "spec");

/** Copies a schema, closing objects that list properties; `$ref`s point into the registered components. */
function tighten(schema: unknown, insideComposition = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => tighten(s, insideComposition));
  if (typeof schema !== "object" || schema === null) return schema;
  const s = schema as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === "$ref" && typeof value === "string") out.$ref = value.replace(/^#\//, "spec#/");
    else if (key === "example" || key === "examples") continue;
    else if (key === "properties" && typeof value === "object" && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tighten(v)]));
    } else out[key] = tighten(value, insideComposition || ["allOf", "oneOf", "anyOf"].includes(key));
  }
  const composed = "allOf" in s || "oneOf" in s || "anyOf" in s;
  if (s.properties && !("additionalProperties" in s) && !composed && !insideComposition)
    out.additionalProperties = false;
  return out;
}

function templateRegex(template: string): RegExp {
  const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join("[^/]+")}$`);
}

const templates = Object.keys(spec.paths).map((t) => ({
  template: t,
  regex: templateRegex(t),
  literals: t.split("/").filter((p) => !p.startsWith("{")).length,
}));

/** The spec template for a concrete path below /v1; the one with the most literal segments wins. */
export function findTemplate(path: string): string | null {
  const matches = templates.filter((t) => t.regex.test(path)).sort((a, b) => b.literals - a.literals);
  return matches[0]?.template ?? null;
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(template: string, method: string, status: number): ValidateFunction | string {
  const op = spec.paths[template]?.[method.toLowerCase()];
  if (!op) return `the spec has no operation ${method} ${template}`;
  const key = String(status);
  const response =
    op.responses[key] ?? op.responses[`${key[0]}xx`] ?? op.responses[`${key[0]}XX`] ?? op.responses.default;
  if (!response) return `the spec has no ${status} response for ${method} ${template}`;
  const schema = response.content?.["application/json"]?.schema;
  if (!schema)
    return status === 204 ? "" : `the spec's ${status} response of ${method} ${template} has no JSON body`;
  const cacheKey = `${method} ${template} ${key}`;
  let fn = compiled.get(cacheKey);
  if (!fn) {
    fn = ajv.compile(tighten(schema) as Json);
    compiled.set(cacheKey, fn);
  }
  return fn;
}

/** Validation errors of one response; empty when it matches the spec. */
export function validateResponse(method: string, fullPath: string, status: number, body: unknown): string[] {
  const path = fullPath.replace(/^\/v1(?=\/|$)/, "");
  const template = findTemplate(path);
  if (!template && status !== 404) return [`status ${status} for a path outside the spec: ${fullPath}`];
  const known = template !== null && spec.paths[template]?.[method.toLowerCase()] !== undefined;
  if (template && !known && status !== 405)
    return [`status ${status} for ${method}, which ${template} lacks`];
  // Paths or methods the spec lacks can only answer not_found or method_not_allowed, in the error shape
  // every 4xx of the spec shares.
  const v =
    known && template ? validatorFor(template, method, status) : validatorFor("/servers", "get", status);
  if (typeof v === "string") {
    const noBody = body === null || body === undefined;
    return v === "" && noBody ? [] : [v || `expected no body for status ${status}`];
  }
  return v(body)
    ? []
    : (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
