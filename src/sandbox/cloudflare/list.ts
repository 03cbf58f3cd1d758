/**
 * Lists the way Cloudflare's v4 API pages them: `page` from 1, `per_page` clamped to the endpoint's range
 * (the API clamps rather than rejects), and `result_info` with count/total_count/total_pages. A page past
 * the end is an empty success: the official SDK's auto-pagination stops only on an empty page, so it
 * always asks for one more.
 */
import type { CfResponse } from "./context.ts";
import { dnsValidation } from "./errors.ts";

export interface PageLimits {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

export const ZONE_PAGES: PageLimits = { min: 5, max: 50, fallback: 20 };
export const RECORD_PAGES: PageLimits = { min: 5, max: 5_000_000, fallback: 100 };

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw))
    throw dnsValidation(1004, `${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function paged<T>(
  items: readonly T[],
  query: URLSearchParams,
  limits: PageLimits,
  view: (item: T) => unknown,
): CfResponse {
  const page = Math.max(1, intParam(query, "page", 1));
  const perPage = Math.min(limits.max, Math.max(limits.min, intParam(query, "per_page", limits.fallback)));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    result: slice.map(view),
    resultInfo: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.ceil(items.length / perPage),
    },
  };
}

/**
 * A string filter: `field=value` or `field.exact=…`, `field.contains=…`, `field.startswith=…`,
 * `field.endswith=…` (case-insensitive, as documented for DNS record filters). Returns null when the
 * query does not filter on `field`.
 */
export function stringFilter(query: URLSearchParams, field: string): ((value: string) => boolean) | null {
  const checks: ((value: string) => boolean)[] = [];
  const add = (suffix: string, test: (value: string, wanted: string) => boolean) => {
    const wanted = query.get(`${field}${suffix}`);
    if (wanted !== null) checks.push((value) => test(value.toLowerCase(), wanted.toLowerCase()));
  };
  add("", (v, w) => v === w.replace(/\.$/, ""));
  add(".exact", (v, w) => v === w.replace(/\.$/, ""));
  add(".contains", (v, w) => v.includes(w));
  add(".startswith", (v, w) => v.startsWith(w));
  add(".endswith", (v, w) => v.endsWith(w));
  if (checks.length === 0) return null;
  return (value) => checks.every((check) => check(value));
}

/** Combines filters with `match=all` (default, AND) or `match=any` (OR). */
export function combine<T>(query: URLSearchParams, filters: ((item: T) => boolean)[]): (item: T) => boolean {
  if (filters.length === 0) return () => true;
  const match = query.get("match") ?? "all";
  if (match !== "all" && match !== "any")
    throw dnsValidation(1004, `match must be "all" or "any", got "${match}"`);
  return match === "any" ? (item) => filters.some((f) => f(item)) : (item) => filters.every((f) => f(item));
}

/** Sorts by the `order` field (one of `keys`) and `direction`; ties keep a stable secondary order. */
export function sorted<T>(
  items: readonly T[],
  query: URLSearchParams,
  keys: Record<string, (item: T) => string | number | boolean>,
  fallback: readonly string[],
): T[] {
  const order = query.get("order");
  if (order !== null && !(order in keys)) {
    throw dnsValidation(1004, `order must be one of ${Object.keys(keys).join(", ")}, got "${order}"`);
  }
  const direction = query.get("direction") ?? "asc";
  if (direction !== "asc" && direction !== "desc") {
    throw dnsValidation(1004, `direction must be "asc" or "desc", got "${direction}"`);
  }
  const sign = direction === "desc" ? -1 : 1;
  const fields = order ? [order, ...fallback.filter((f) => f !== order)] : [...fallback];
  return [...items].sort((a, b) => {
    for (const [i, field] of fields.entries()) {
      const key = keys[field]!;
      const x = key(a);
      const y = key(b);
      if (x < y) return i === 0 ? -sign : -1;
      if (x > y) return i === 0 ? sign : 1;
    }
    return 0;
  });
}
