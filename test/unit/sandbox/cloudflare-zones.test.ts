import { APIError, RateLimitError } from "cloudflare";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  startTestCloudflare,
  type TestCloudflare,
  TOKEN,
} from "../../support/cloudflare-emulator.ts";

let t: TestCloudflare;
beforeEach(async () => {
  t = await startTestCloudflare({
    tokens: [{ value: TOKEN }, { value: "scopedTokenOnlyForShopExampleTest0000000", zones: ["shop.test"] }],
  });
});
afterEach(() => t.close());

/** The SDK error's status and Cloudflare codes, or fails when the call succeeded. */
async function failure(call: Promise<unknown>): Promise<{ type: string; status: number; codes: number[] }> {
  const error = await call.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  if (!(error instanceof APIError)) throw error;
  return {
    type: error.constructor.name,
    status: error.status ?? 0,
    codes: error.errors.map((e) => e.code ?? 0),
  };
}

describe("zones", () => {
  it("creates a zone that is active at once, gets it, lists it and deletes it", async () => {
    const zone = await t.cf.zones.create({ name: "Example.TEST", account: { id: ACCOUNT.id } });
    expect(zone).toMatchObject({ name: "example.test", status: "active", type: "full", paused: false });
    expect(zone.id).toMatch(/^[0-9a-f]{32}$/);
    expect(zone.account).toEqual(ACCOUNT);
    expect(await t.cf.zones.get({ zone_id: zone.id })).toEqual(zone);
    const page = await t.cf.zones.list({ name: "example.test" });
    expect(page.result.map((z) => z.id)).toEqual([zone.id]);
    expect(await t.cf.zones.delete({ zone_id: zone.id })).toEqual({ id: zone.id });
    expect(await failure(t.cf.zones.get({ zone_id: zone.id }))).toEqual({
      type: "BadRequestError",
      status: 400,
      codes: [7003, 7000],
    });
  });

  it("refuses a second zone of the same name with 1061", async () => {
    await t.cf.zones.create({ name: "example.test", account: { id: ACCOUNT.id } });
    const error = await failure(t.cf.zones.create({ name: "example.test.", account: { id: ACCOUNT.id } }));
    expect(error).toEqual({ type: "BadRequestError", status: 400, codes: [1061] });
  });

  it.each(["localhost", "-bad.test", "exa mple.test", "example.123"])(
    "refuses the zone name %j",
    async (name) => {
      const error = await failure(t.cf.zones.create({ name, account: { id: ACCOUNT.id } }));
      expect(error.codes).toEqual([1097]);
    },
  );

  it("pages zones 20 at a time by default and auto-paginates past the last page", async () => {
    for (let i = 0; i < 23; i++)
      await t.cf.zones.create({ name: `z${String(i).padStart(2, "0")}.test`, account: { id: ACCOUNT.id } });
    const first = await t.cf.zones.list();
    expect(first.result).toHaveLength(20);
    expect(first.result_info).toEqual({ page: 1, per_page: 20, count: 20, total_count: 23, total_pages: 2 });
    const names: string[] = [];
    for await (const zone of t.cf.zones.list({ per_page: 5 })) names.push(zone.name);
    expect(names).toHaveLength(23);
    expect(names).toEqual([...names].sort());
    const beyond = await t.raw("GET", "/zones?page=9", { authorization: `Bearer ${TOKEN}` });
    expect(beyond.body).toMatchObject({ success: true, result: [], result_info: { page: 9, count: 0 } });
  });

  it("clamps per_page to 5..50 as the API does", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await t.raw("GET", "/zones?per_page=500", auth)).body.result_info.per_page).toBe(50);
    expect((await t.raw("GET", "/zones?per_page=1", auth)).body.result_info.per_page).toBe(5);
  });

  it("filters names with operators, orders and combines with match=any", async () => {
    for (const name of ["alpha.test", "beta.test", "gamma.example"]) {
      await t.cf.zones.create({ name, account: { id: ACCOUNT.id } });
    }
    const names = async (query: Record<string, string>) =>
      (await t.cf.zones.list(query)).result.map((z) => z.name);
    expect(await names({ name: "ends_with:.test" })).toEqual(["alpha.test", "beta.test"]);
    expect(await names({ name: "contains:amm" })).toEqual(["gamma.example"]);
    expect(await names({ name: "ends_with:.test", order: "name", direction: "desc" })).toEqual([
      "beta.test",
      "alpha.test",
    ]);
    expect(await names({ name: "alpha.test", status: "pending", match: "any" })).toEqual(["alpha.test"]);
    expect(await names({ name: "alpha.test", status: "pending" })).toEqual([]);
  });

  it("edits paused and the ssl setting that decides how the edge reaches origins", async () => {
    const zone = await t.cf.zones.create({ name: "example.test", account: { id: ACCOUNT.id } });
    expect((await t.cf.zones.edit({ zone_id: zone.id, paused: true })).paused).toBe(true);
    expect(await t.cf.zones.settings.get("ssl", { zone_id: zone.id })).toMatchObject({
      id: "ssl",
      value: "full",
    });
    await t.cf.zones.settings.edit("ssl", { zone_id: zone.id, value: "flexible" });
    expect(await t.cf.zones.settings.get("ssl", { zone_id: zone.id })).toMatchObject({ value: "flexible" });
    expect(
      (await failure(t.cf.zones.settings.edit("ssl", { zone_id: zone.id, value: "bogus" }))).codes,
    ).toEqual([1007]);
  });
});

describe("authentication", () => {
  it("answers 10000 for an unknown token, which the SDK raises as PermissionDeniedError", async () => {
    const error = await failure(t.client("unknownTokenUnknownTokenUnknownToken0000").zones.list());
    expect(error).toEqual({ type: "PermissionDeniedError", status: 403, codes: [10000] });
  });

  it("answers 9106/9107 without credentials and 6003 for a malformed Authorization header", async () => {
    expect(await t.raw("GET", "/zones")).toEqual({
      status: 400,
      body: {
        success: false,
        errors: [
          { code: 9106, message: "Missing X-Auth-Email header" },
          { code: 9107, message: "Missing X-Auth-Key header" },
        ],
        messages: [],
        result: null,
      },
    });
    const malformed = await t.raw("GET", "/zones", { authorization: "Basic dXNlcjpwYXNz" });
    expect(malformed.body.errors).toEqual([
      {
        code: 6003,
        message: "Invalid request headers",
        error_chain: [{ code: 6111, message: "Invalid format for Authorization header" }],
      },
    ]);
  });

  it("keeps a zone-scoped token to its zones: others are invisible, and 9109 when named", async () => {
    const shop = await t.cf.zones.create({ name: "shop.test", account: { id: ACCOUNT.id } });
    const other = await t.cf.zones.create({ name: "other.test", account: { id: ACCOUNT.id } });
    const scoped = t.client("scopedTokenOnlyForShopExampleTest0000000");
    expect((await scoped.zones.list()).result.map((z) => z.id)).toEqual([shop.id]);
    expect(await failure(scoped.zones.get({ zone_id: other.id }))).toEqual({
      type: "PermissionDeniedError",
      status: 403,
      codes: [9109],
    });
    expect(
      (await failure(scoped.zones.create({ name: "new.test", account: { id: ACCOUNT.id } }))).codes,
    ).toEqual([9109]);
  });

  it("verifies a token, lists the account and serves /ips without a token", async () => {
    expect(await t.cf.user.tokens.verify()).toMatchObject({ status: "active" });
    const accounts: string[] = [];
    for await (const account of t.cf.accounts.list()) accounts.push(account.id);
    expect(accounts).toEqual([ACCOUNT.id]);
    expect((await t.raw("GET", "/ips")).body.result).toEqual({
      ipv4_cidrs: ["172.29.4.0/24"],
      ipv6_cidrs: [],
      etag: "sandbox",
    });
  });

  it("answers 7000 for a path it has no route for", async () => {
    const res = await t.raw("GET", "/nothing/here", { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe(7000);
  });
});

describe("injected faults", () => {
  it("answers a throttled request with 429 and Cloudflare's code 971, for the cloudflare service only", async () => {
    const asked: string[] = [];
    const faulty = await startTestCloudflare({
      fault: (service) => {
        asked.push(service);
        return { delayMs: 0, failWith: 429 };
      },
    });
    const error = await faulty.cf.zones.list().then(
      () => expect.fail("expected the call to fail"),
      (e: unknown) => e,
    );
    await faulty.close();
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).errors.map((e) => e.code)).toEqual([971]);
    expect(asked).toEqual(["cloudflare"]);
  });
});
