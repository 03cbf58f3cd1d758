/**
 * Values one resource takes from another's live outputs: a DNS record's address from its server, a
 * firewall attachment's server id. A node's input may hold `ref(address, pick)` anywhere; planning
 * resolves refs against what it observed, and a ref to a resource that is still to be created (or
 * replaced) reads as UNKNOWN, shown as "(known after apply)" as Terraform does. Apply resolves again,
 * right before the step runs, once everything it depends on is done, so kinds never see a ref.
 */

const REF = Symbol.for("slipway.ref");

/** Placeholder for a value that exists only once a dependency has been applied. */
export const UNKNOWN = "(known after apply)";

export interface Ref<T = unknown> {
  readonly [REF]: true;
  /** The resource whose outputs hold the value; it must be among the node's dependencies. */
  readonly address: string;
  readonly pick: (outputs: unknown) => T;
}

export function ref<O, T>(address: string, pick: (outputs: O) => T): Ref<T> {
  return { [REF]: true, address, pick: pick as (outputs: unknown) => T };
}

export function isRef(value: unknown): value is Ref {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[REF] === true;
}

/** The outputs of a resource, or undefined when they are not known yet. */
export type OutputLookup = (address: string) => unknown | undefined;

/**
 * A copy of `input` with every ref replaced by its value, or UNKNOWN where the lookup has no outputs
 * (or the pick finds nothing). Inputs without refs come back as the same object.
 */
export function resolveRefs<T>(input: T, lookup: OutputLookup): T {
  return walk(input, lookup) as T;
}

function walk(value: unknown, lookup: OutputLookup): unknown {
  if (isRef(value)) {
    const outputs = lookup(value.address);
    if (outputs === undefined || outputs === null) return UNKNOWN;
    return value.pick(outputs) ?? UNKNOWN;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => walk(item, lookup));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const resolved = walk(item, lookup);
      if (resolved !== item) changed = true;
      return [key, resolved] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

/** Whether any value inside is still UNKNOWN. */
export function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (isPlainObject(value)) return Object.values(value).some(hasUnknown);
  return false;
}

/** Addresses of every ref inside `input`. */
export function refAddresses(input: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (isRef(value)) found.add(value.address);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (isPlainObject(value)) Object.values(value).forEach(visit);
  };
  visit(input);
  return [...found];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
