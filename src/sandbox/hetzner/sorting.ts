/**
 * `sort` per the spec's "Sorting" section: `field`, `field:asc` or `field:desc`, repeatable, earlier
 * keys first. Each list endpoint names its sortable fields; anything else is invalid_input on `sort`.
 * Ties fall back to ascending id so pages stay stable between requests, as the real API's do.
 */
import { invalidField } from "./errors.ts";

export type SortValue = string | number | null;
export type SortFields<T> = Readonly<Record<string, (item: T) => SortValue>>;

export interface SortKey {
  readonly field: string;
  readonly descending: boolean;
}

export function parseSort(values: readonly string[], allowed: readonly string[]): SortKey[] {
  return values.map((value) => {
    const [field = "", direction = "asc", ...rest] = value.split(":");
    if (!allowed.includes(field) || rest.length > 0 || (direction !== "asc" && direction !== "desc")) {
      const valid = allowed.flatMap((f) => [f, `${f}:asc`, `${f}:desc`]).join(", ");
      throw invalidField("sort", `Must be one of: ${valid}.`);
    }
    return { field, descending: direction === "desc" };
  });
}

function compare(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1; // nulls first ascending, like an unfinished action's `finished`
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** A sorted copy; `id` is the final tie-breaker. */
export function sortItems<T extends { id: number }>(
  items: readonly T[],
  keys: readonly SortKey[],
  fields: SortFields<T>,
): T[] {
  return [...items].sort((x, y) => {
    for (const key of keys) {
      const get = fields[key.field];
      if (!get) continue;
      const order = compare(get(x), get(y));
      if (order !== 0) return key.descending ? -order : order;
    }
    return x.id - y.id;
  });
}
