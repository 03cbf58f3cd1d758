/**
 * Pagination per the spec's "Pagination" section: `page` (from 1) and `per_page` (default 25, at most
 * 50), `meta.pagination` in the body and a `Link` header with prev/next/last. A page past the end is
 * not an error: it is empty, with `previous_page` still pointing back and `next_page` null.
 * A `per_page` above 50 is capped to 50, as Hetzner documents a maximum rather than a rejection.
 */
import { invalidField } from "./errors.ts";

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 50;

export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

export interface Pagination {
  readonly page: number;
  readonly per_page: number;
  readonly previous_page: number | null;
  readonly next_page: number | null;
  readonly last_page: number;
  readonly total_entries: number;
}

function positiveInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw invalidField(name, "Not a valid integer.");
  const value = Number(raw);
  if (value < 1) throw invalidField(name, "Must be greater than or equal to 1.");
  return value;
}

/** Reads `page` and `per_page`; throws invalid_input for values that are not positive integers. */
export function parsePageRequest(query: URLSearchParams): PageRequest {
  const page = positiveInt(query, "page", 1);
  const perPage = Math.min(positiveInt(query, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE);
  return { page, perPage };
}

export function paginate<T>(items: readonly T[], req: PageRequest): { items: T[]; pagination: Pagination } {
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / req.perPage));
  const start = (req.page - 1) * req.perPage;
  return {
    items: items.slice(start, start + req.perPage),
    pagination: {
      page: req.page,
      per_page: req.perPage,
      previous_page: req.page > 1 ? Math.min(req.page - 1, lastPage) : null,
      next_page: req.page < lastPage ? req.page + 1 : null,
      last_page: lastPage,
      total_entries: total,
    },
  };
}

/** The `Link` header for a page: rel prev/next/last URLs that keep every other query parameter. */
export function linkHeader(pageUrl: URL, p: Pagination): string {
  const at = (page: number): string => {
    const url = new URL(pageUrl);
    url.searchParams.set("page", String(page));
    url.searchParams.set("per_page", String(p.per_page));
    return url.toString();
  };
  const links: string[] = [];
  if (p.previous_page !== null) links.push(`<${at(p.previous_page)}>; rel="prev"`);
  if (p.next_page !== null) links.push(`<${at(p.next_page)}>; rel="next"`);
  links.push(`<${at(p.last_page)}>; rel="last"`);
  return links.join(", ");
}
