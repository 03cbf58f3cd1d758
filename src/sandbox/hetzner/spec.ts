/**
 * The emulator's view of apis/hetzner-cloud.openapi.json: the requestBody schema of an operation, so
 * bodies are checked against the same document the real client's types are generated from. Loaded once,
 * lazily (3.5 MB of JSON); only request schemas are read here, responses are the tests' business.
 */
import { readFileSync } from "node:fs";
import type { RefResolver, Schema } from "./schema-check.ts";

interface Operation {
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: Schema }> };
}

interface Spec {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

const SPEC_URL = new URL("../../../apis/hetzner-cloud.openapi.json", import.meta.url);
let cached: Spec | undefined;

function spec(): Spec {
  cached ??= JSON.parse(readFileSync(SPEC_URL, "utf8")) as Spec;
  return cached;
}

/** Resolves `#/components/schemas/Name` references. */
export const resolveRef: RefResolver = (ref) => {
  const name = ref.replace("#/components/schemas/", "");
  const found = spec().components?.schemas?.[name];
  if (!found) throw new Error(`unresolvable $ref ${ref} in the Hetzner spec`);
  return found;
};

/** The JSON requestBody schema of `method template` (e.g. "post", "/servers"), or null if it has none. */
export function requestSchema(method: string, template: string): Schema | null {
  const op = spec().paths[template]?.[method.toLowerCase()];
  return op?.requestBody?.content?.["application/json"]?.schema ?? null;
}

/** Whether the spec defines `method template` at all (to tell "not emulated" from "no such endpoint"). */
export function specHasOperation(method: string, template: string): boolean {
  return spec().paths[template]?.[method.toLowerCase()] !== undefined;
}

/** Whether the spec has this path template with any method. */
export function specHasPath(template: string): boolean {
  return spec().paths[template] !== undefined;
}

/** Every path template of the spec, for matching requests to operations the emulator lacks. */
export function specPaths(): string[] {
  return Object.keys(spec().paths);
}
