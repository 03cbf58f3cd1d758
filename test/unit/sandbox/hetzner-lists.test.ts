import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import { syntheticKey } from "../../support/ssh-keys.ts";

// Seven SSH keys with labels; names sort differently from ids.
const KEYS = [
  { name: "g", labels: { env: "production", tier: "web" } },
  { name: "c", labels: { env: "production", tier: "db" } },
  { name: "e", labels: { env: "staging", tier: "web" } },
  { name: "a", labels: { env: "testing" } },
  { name: "f", labels: { "example.com/owner": "ops" } },
  { name: "b", labels: {} },
  { name: "d", labels: { env: "staging", "just-a-key": "" } },
];

let emu: TestEmulator;
const ids: Record<string, number> = {};
beforeAll(async () => {
  emu = await startTestEmulator();
  for (const [i, k] of KEYS.entries()) {
    const res = await emu.api("POST", "/ssh_keys", {
      name: k.name,
      public_key: syntheticKey(i),
      labels: k.labels,
    });
    ids[k.name] = res.body.ssh_key.id;
  }
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

const names = async (query: string): Promise<string[]> =>
  (await emu.api("GET", `/ssh_keys?${query}`)).body.ssh_keys.map((k: { name: string }) => k.name);

describe("pagination", () => {
  it.each([
    [
      "page=1&per_page=3",
      ["g", "c", "e"],
      { page: 1, per_page: 3, previous_page: null, next_page: 2, last_page: 3, total_entries: 7 },
    ],
    [
      "page=3&per_page=3",
      ["d"],
      { page: 3, per_page: 3, previous_page: 2, next_page: null, last_page: 3, total_entries: 7 },
    ],
    [
      "page=4&per_page=3",
      [],
      { page: 4, per_page: 3, previous_page: 3, next_page: null, last_page: 3, total_entries: 7 },
    ],
    [
      "per_page=7",
      ["g", "c", "e", "a", "f", "b", "d"],
      { page: 1, per_page: 7, previous_page: null, next_page: null, last_page: 1, total_entries: 7 },
    ],
    [
      "per_page=500",
      ["g", "c", "e", "a", "f", "b", "d"],
      { page: 1, per_page: 50, previous_page: null, next_page: null, last_page: 1, total_entries: 7 },
    ],
    [
      "",
      ["g", "c", "e", "a", "f", "b", "d"],
      { page: 1, per_page: 25, previous_page: null, next_page: null, last_page: 1, total_entries: 7 },
    ],
  ])("?%s", async (query, expected, pagination) => {
    const res = await emu.api("GET", `/ssh_keys?${query}`);
    expect(res.body.ssh_keys.map((k: { name: string }) => k.name)).toEqual(expected);
    expect(res.body.meta.pagination).toEqual(pagination);
  });

  it("sends a Link header with prev, next and last", async () => {
    const res = await emu.api("GET", "/ssh_keys?page=2&per_page=3&sort=name");
    const at = (page: number) => `<${emu.url}/ssh_keys?page=${page}&per_page=3&sort=name>`;
    expect(res.headers.get("link")).toBe(`${at(1)}; rel="prev", ${at(3)}; rel="next", ${at(3)}; rel="last"`);
  });

  it.each([
    ["page=0", "page", "Must be greater than or equal to 1."],
    ["per_page=abc", "per_page", "Not a valid integer."],
  ])("rejects ?%s with invalid_input on %s", async (query, field, message) => {
    const res = await emu.api("GET", `/ssh_keys?${query}`);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ fields: [{ name: field, messages: [message] }] });
  });
});

describe("sort", () => {
  it.each([
    ["sort=name", ["a", "b", "c", "d", "e", "f", "g"]],
    ["sort=name:desc", ["g", "f", "e", "d", "c", "b", "a"]],
    ["sort=id:desc", ["d", "b", "f", "a", "e", "c", "g"]],
    ["sort=id", ["g", "c", "e", "a", "f", "b", "d"]],
  ])("?%s", async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it("rejects a field the endpoint cannot sort by", async () => {
    const res = await emu.api("GET", "/ssh_keys?sort=created");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "invalid_input", details: { fields: [{ name: "sort" }] } });
  });
});

describe("label_selector", () => {
  it.each([
    ["env=production", ["c", "g"]],
    ["env==production", ["c", "g"]],
    ["env!=production", ["a", "b", "d", "e", "f"]],
    ["env", ["a", "c", "d", "e", "g"]],
    ["!env", ["b", "f"]],
    ["env in (staging,testing)", ["a", "d", "e"]],
    ["env notin (staging,testing)", ["b", "c", "f", "g"]],
    ["env=production,tier!=db", ["g"]],
    ["env=staging,!tier", ["d"]],
    ["example.com/owner=ops", ["f"]],
    ["just-a-key", ["d"]],
  ])("%s", async (selector, expected) => {
    expect(await names(`sort=name&label_selector=${encodeURIComponent(selector)}`)).toEqual(expected);
  });

  it("rejects a malformed selector with invalid_input on label_selector", async () => {
    const res = await emu.api("GET", `/ssh_keys?label_selector=${encodeURIComponent("env in (a")}`);
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields[0].name).toBe("label_selector");
  });
});

describe("filters", () => {
  it.each([
    ["name=e", ["e"]],
    ["name=nope", []],
    ["name=e&label_selector=env%3Dproduction", []],
  ])("?%s", async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it("filters by fingerprint", async () => {
    const key = (await emu.api("GET", `/ssh_keys/${ids.f}`)).body.ssh_key;
    expect(await names(`fingerprint=${encodeURIComponent(key.fingerprint)}`)).toEqual(["f"]);
  });
});
