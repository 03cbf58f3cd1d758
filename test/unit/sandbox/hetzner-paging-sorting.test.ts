import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/sandbox/hetzner/errors.ts";
import { linkHeader, paginate, parsePageRequest } from "../../../src/sandbox/hetzner/pagination.ts";
import { parseSort, sortItems } from "../../../src/sandbox/hetzner/sorting.ts";

const seven = [1, 2, 3, 4, 5, 6, 7];

describe("paginate", () => {
  it.each([
    ["first page", 1, 3, [1, 2, 3], { previous_page: null, next_page: 2, last_page: 3 }],
    ["middle page", 2, 3, [4, 5, 6], { previous_page: 1, next_page: 3, last_page: 3 }],
    ["last, partial page", 3, 3, [7], { previous_page: 2, next_page: null, last_page: 3 }],
    ["past the end", 9, 3, [], { previous_page: 3, next_page: null, last_page: 3 }],
    ["all on one page", 1, 50, seven, { previous_page: null, next_page: null, last_page: 1 }],
    ["exact fit", 1, 7, seven, { previous_page: null, next_page: null, last_page: 1 }],
  ])("%s", (_, page, perPage, items, links) => {
    const result = paginate(seven, { page, perPage });
    expect(result.items).toEqual(items);
    expect(result.pagination).toEqual({ page, per_page: perPage, total_entries: 7, ...links });
  });

  it("reports one empty page for an empty list", () => {
    expect(paginate([], { page: 1, perPage: 25 }).pagination).toEqual({
      page: 1,
      per_page: 25,
      previous_page: null,
      next_page: null,
      last_page: 1,
      total_entries: 0,
    });
  });
});

describe("parsePageRequest", () => {
  it.each([
    ["", { page: 1, perPage: 25 }],
    ["page=2&per_page=10", { page: 2, perPage: 10 }],
    ["per_page=50", { page: 1, perPage: 50 }],
    ["per_page=51", { page: 1, perPage: 50 }],
    ["per_page=1000", { page: 1, perPage: 50 }],
  ])("%j reads as %j", (query, expected) => {
    expect(parsePageRequest(new URLSearchParams(query))).toEqual(expected);
  });

  it.each([
    ["page=0", "page", "Must be greater than or equal to 1."],
    ["page=-1", "page", "Not a valid integer."],
    ["page=x", "page", "Not a valid integer."],
    ["per_page=0", "per_page", "Must be greater than or equal to 1."],
    ["per_page=2.5", "per_page", "Not a valid integer."],
  ])("%j is invalid_input on %s", (query, field, message) => {
    const error = (() => {
      try {
        parsePageRequest(new URLSearchParams(query));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).toBody().error).toMatchObject({
      code: "invalid_input",
      details: { fields: [{ name: field, messages: [message] }] },
    });
  });
});

describe("linkHeader", () => {
  it("links prev, next and last, keeping the other parameters", () => {
    const url = new URL("http://h/v1/servers?label_selector=env%3Dprod&page=2&per_page=2");
    const { pagination } = paginate(seven, { page: 2, perPage: 2 });
    expect(linkHeader(url, pagination)).toBe(
      [
        '<http://h/v1/servers?label_selector=env%3Dprod&page=1&per_page=2>; rel="prev"',
        '<http://h/v1/servers?label_selector=env%3Dprod&page=3&per_page=2>; rel="next"',
        '<http://h/v1/servers?label_selector=env%3Dprod&page=4&per_page=2>; rel="last"',
      ].join(", "),
    );
  });

  it("has only last on a single page", () => {
    const { pagination } = paginate([1], { page: 1, perPage: 25 });
    expect(linkHeader(new URL("http://h/v1/ssh_keys"), pagination)).toBe(
      '<http://h/v1/ssh_keys?page=1&per_page=25>; rel="last"',
    );
  });
});

describe("sorting", () => {
  const items = [
    { id: 1, name: "b", created: "2024-01-02" },
    { id: 2, name: "a", created: "2024-01-02" },
    { id: 3, name: "c", created: "2024-01-01" },
  ];
  const fields = {
    id: (i: (typeof items)[number]) => i.id,
    name: (i: (typeof items)[number]) => i.name,
    created: (i: (typeof items)[number]) => i.created,
  };
  it.each([
    [[], [1, 2, 3]],
    [["name"], [2, 1, 3]],
    [["name:asc"], [2, 1, 3]],
    [["name:desc"], [3, 1, 2]],
    [["id:desc"], [3, 2, 1]],
    [["created"], [3, 1, 2]],
    [
      ["created:desc", "name"],
      [2, 1, 3],
    ],
    [
      ["created:desc", "name:desc"],
      [1, 2, 3],
    ],
  ])("sort=%j gives ids %j", (sort, ids) => {
    expect(sortItems(items, parseSort(sort, Object.keys(fields)), fields).map((i) => i.id)).toEqual(ids);
  });

  it.each([["status"], ["name:up"], ["name:asc:desc"], [""]])("rejects sort=%j", (value) => {
    expect(() => parseSort([value], ["id", "name"])).toThrow(
      "invalid input in field 'sort': Must be one of: id, id:asc, id:desc, name, name:asc, name:desc.",
    );
  });
});
