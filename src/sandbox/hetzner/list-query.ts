/**
 * The shared shape of every list endpoint: filter (`name`, `label_selector`, endpoint specific ones),
 * sort, paginate, and answer `{<key>: [...], meta: {pagination}}` with a `Link` header. Also the small
 * parsers for query and path parameters, so each fails with invalid_input naming the parameter.
 */
import type { ApiRequest, ApiResponse } from "./context.ts";
import { invalidField } from "./errors.ts";
import { LabelSelectorError, matchesSelector, parseLabelSelector } from "./label-selector.ts";
import { linkHeader, paginate, parsePageRequest } from "./pagination.ts";
import { parseSort, type SortFields, sortItems } from "./sorting.ts";

export interface ListOptions<T> {
  /** The body's collection key, e.g. "servers". */
  readonly key: string;
  readonly view: (item: T) => unknown;
  /** Sortable fields; omit when the endpoint has no `sort` parameter. */
  readonly sort?: SortFields<T>;
  /** Enables the `name` filter. */
  readonly name?: (item: T) => string | null;
  /** Enables the `label_selector` filter. */
  readonly labels?: (item: T) => Readonly<Record<string, string>>;
  /** Endpoint specific filters, already bound to the request's parameters. */
  readonly filters?: readonly ((item: T) => boolean)[];
}

export function listResponse<T extends { id: number }>(
  req: ApiRequest,
  items: readonly T[],
  o: ListOptions<T>,
): ApiResponse {
  const page = parsePageRequest(req.query);
  let selected = [...items];
  const name = req.query.get("name");
  if (o.name && name !== null) selected = selected.filter((i) => o.name?.(i) === name);
  const selector = req.query.get("label_selector");
  if (o.labels && selector !== null && selector !== "") {
    const labels = o.labels;
    const reqs = parseSelector(selector);
    selected = selected.filter((i) => matchesSelector(labels(i), reqs));
  }
  for (const filter of o.filters ?? []) selected = selected.filter(filter);
  const sortValues = req.query.getAll("sort");
  if (o.sort) selected = sortItems(selected, parseSort(sortValues, Object.keys(o.sort)), o.sort);
  const { items: pageItems, pagination } = paginate(selected, page);
  return {
    status: 200,
    body: { [o.key]: pageItems.map(o.view), meta: { pagination } },
    headers: { Link: linkHeader(req.url, pagination) },
  };
}

function parseSelector(selector: string) {
  try {
    return parseLabelSelector(selector);
  } catch (e) {
    if (e instanceof LabelSelectorError)
      throw invalidField("label_selector", `Invalid label selector: ${e.message}.`);
    throw e;
  }
}

/** Every value of a repeatable enum parameter (`status`, `type`), rejecting unknown ones. */
export function enumParams(query: URLSearchParams, name: string, allowed: readonly string[]): string[] {
  const values = query.getAll(name);
  for (const v of values) {
    if (!allowed.includes(v)) throw invalidField(name, `Must be one of: ${allowed.join(", ")}.`);
  }
  return values;
}

/** A positive integer id from the path or query. */
export function parseId(raw: string | undefined, name: string): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw invalidField(name, "Not a valid integer.");
  }
  return Number(raw);
}

/** The path parameter `name` as an id. */
export function idParam(req: ApiRequest, name = "id"): number {
  return parseId(req.params[name], name);
}
