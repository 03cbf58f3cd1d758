import { APIError } from "cloudflare";
import type { RecordEditParams } from "cloudflare/resources/dns/records";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  startTestCloudflare,
  type TestCloudflare,
  tempDataFile,
} from "../../support/cloudflare-emulator.ts";

let t: TestCloudflare;
let zoneId: string;
beforeEach(async () => {
  t = await startTestCloudflare();
  zoneId = (await t.cf.zones.create({ name: "example.test", account: { id: ACCOUNT.id } })).id;
});
afterEach(() => t.close());

async function codes(call: Promise<unknown>): Promise<number[]> {
  const error = await call.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  if (!(error instanceof APIError)) throw error;
  return error.errors.map((e) => e.code ?? 0);
}

describe("DNS records: create, read, update, delete", () => {
  it("places relative names and @ in the zone and returns the API's record shape", async () => {
    const www = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "www",
      content: "127.0.1.5",
      ttl: 300,
    });
    expect(www).toMatchObject({
      name: "www.example.test",
      type: "A",
      content: "127.0.1.5",
      proxiable: true,
      proxied: false,
      ttl: 300,
      comment: null,
      tags: [],
      settings: {},
      meta: {},
    });
    const apex = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "TXT",
      name: "@",
      content: "v=spf1 -all",
      ttl: 1,
    });
    expect(apex).toMatchObject({ name: "example.test", proxiable: false });
    const outside = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "api.other.test",
      content: "127.0.1.6",
      ttl: 1,
    });
    expect(outside.name).toBe("api.other.test.example.test");
    expect(await t.cf.dns.records.get(www.id, { zone_id: zoneId })).toEqual(www);
  });

  it("forces TTL to automatic on proxied records and keeps MX priority", async () => {
    const proxied = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "app",
      content: "127.0.1.5",
      ttl: 600,
      proxied: true,
    });
    expect(proxied).toMatchObject({ proxied: true, ttl: 1 });
    const mx = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "MX",
      name: "@",
      content: "Mail.Example.TEST.",
      priority: 10,
      ttl: 1,
    });
    expect(mx).toMatchObject({ content: "mail.example.test", priority: 10 });
  });

  it("PUT replaces every field (omitted ones reset) while PATCH keeps what it does not name", async () => {
    const r = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "www",
      content: "127.0.1.5",
      ttl: 300,
      comment: "web",
      proxied: false,
    });
    // The SDK's types ask for ttl on edit; the API does not, and leaving it out is the point here.
    const patch = { zone_id: zoneId, type: "A", name: "www", content: "127.0.1.6" } as RecordEditParams;
    const patched = await t.cf.dns.records.edit(r.id, patch);
    expect(patched).toMatchObject({ content: "127.0.1.6", ttl: 300, comment: "web" });
    const put = await t.cf.dns.records.update(r.id, {
      zone_id: zoneId,
      type: "A",
      name: "www",
      content: "127.0.1.7",
      ttl: 1,
    });
    expect(put).toMatchObject({ content: "127.0.1.7", ttl: 1, comment: null, created_on: r.created_on });
  });

  it("deletes a record, after which it is 81044 Record does not exist", async () => {
    const r = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "www",
      content: "127.0.1.5",
      ttl: 1,
    });
    expect(await t.cf.dns.records.delete(r.id, { zone_id: zoneId })).toEqual({ id: r.id });
    expect(await codes(t.cf.dns.records.get(r.id, { zone_id: zoneId }))).toEqual([81044]);
    expect(await codes(t.cf.dns.records.delete(r.id, { zone_id: zoneId }))).toEqual([81044]);
    expect(await codes(t.cf.dns.records.get("not-an-id", { zone_id: zoneId }))).toEqual([7003, 7000]);
  });

  it("keeps records across a restart of the emulator on the same data file", async () => {
    const dataFile = tempDataFile();
    const first = await startTestCloudflare({ dataFile });
    const zone = await first.cf.zones.create({ name: "kept.test", account: { id: ACCOUNT.id } });
    await first.cf.dns.records.create({
      zone_id: zone.id,
      type: "A",
      name: "www",
      content: "127.0.1.9",
      ttl: 1,
    });
    await first.close();
    const second = await startTestCloudflare({ dataFile });
    const records = await second.cf.dns.records.list({ zone_id: zone.id });
    expect(records.result.map((r) => r.content)).toEqual(["127.0.1.9"]);
    await second.close();
  });
});

describe("DNS records: what Cloudflare refuses", () => {
  it.each([
    ["an A record with a name for content", { type: "A", content: "example.test" }, 9005],
    ["an AAAA record with an IPv4 address", { type: "AAAA", content: "127.0.0.1" }, 9006],
    ["a CNAME to an IP address", { type: "CNAME", content: "127.0.1.5" }, 9007],
    ["a proxied TXT record", { type: "TXT", content: "hello", proxied: true }, 9004],
    ["a TTL of 30 s", { type: "A", content: "127.0.1.5", ttl: 30 }, 9021],
    ["a name with a space", { type: "A", content: "127.0.1.5", name: "bad name" }, 9000],
    ["an MX without priority", { type: "MX", content: "mail.example.test" }, 1004],
    ["a record type it does not know", { type: "BOGUS", content: "x" }, 1004],
  ] as const)("refuses %s", async (_, fields, code) => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid bodies the SDK's types refuse
    const body: any = { zone_id: zoneId, name: "x", ttl: 1, ...fields };
    expect(await codes(t.cf.dns.records.create(body))).toEqual([code]);
  });

  it("refuses an identical record (81058) and a CNAME beside an address (81053, 81054)", async () => {
    await t.cf.dns.records.create({ zone_id: zoneId, type: "A", name: "www", content: "127.0.1.5", ttl: 1 });
    await t.cf.dns.records.create({ zone_id: zoneId, type: "A", name: "www", content: "127.0.1.6", ttl: 1 });
    expect(
      await codes(
        t.cf.dns.records.create({ zone_id: zoneId, type: "A", name: "www", content: "127.0.1.5", ttl: 1 }),
      ),
    ).toEqual([81058]);
    expect(
      await codes(
        t.cf.dns.records.create({
          zone_id: zoneId,
          type: "CNAME",
          name: "www",
          content: "a.example.test",
          ttl: 1,
        }),
      ),
    ).toEqual([81053]);
    await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "CNAME",
      name: "alias",
      content: "www.example.test",
      ttl: 1,
    });
    expect(
      await codes(
        t.cf.dns.records.create({ zone_id: zoneId, type: "AAAA", name: "alias", content: "::1", ttl: 1 }),
      ),
    ).toEqual([81054]);
  });

  it("refuses an update that would make a record identical to another", async () => {
    await t.cf.dns.records.create({ zone_id: zoneId, type: "A", name: "www", content: "127.0.1.5", ttl: 1 });
    const b = await t.cf.dns.records.create({
      zone_id: zoneId,
      type: "A",
      name: "www",
      content: "127.0.1.6",
      ttl: 1,
    });
    expect(
      await codes(
        t.cf.dns.records.edit(b.id, {
          zone_id: zoneId,
          type: "A",
          name: "www",
          content: "127.0.1.5",
          ttl: 1,
        }),
      ),
    ).toEqual([81058]);
  });

  it("answers 7003 for records of an unknown zone", async () => {
    expect(await codes(t.cf.dns.records.list({ zone_id: "f".repeat(32) }))).toEqual([7003, 7000]);
  });
});

describe("DNS records: listing", () => {
  beforeEach(async () => {
    const add = (type: "A" | "AAAA" | "TXT", name: string, content: string, proxied = false) =>
      t.cf.dns.records.create({ zone_id: zoneId, type, name, content, ttl: 1, proxied });
    await add("A", "www", "127.0.1.5", true);
    await add("A", "api", "127.0.1.6");
    await add("AAAA", "www", "2001:db8::1", true);
    await add("TXT", "_acme-challenge", "token-abc");
  });

  const names = async (query: Record<string, unknown>) =>
    (await t.cf.dns.records.list({ zone_id: zoneId, ...query })).result.map((r) => `${r.type} ${r.name}`);

  it.each([
    [
      "name (exact)",
      { name: { exact: "WWW.example.test" } },
      ["A www.example.test", "AAAA www.example.test"],
    ],
    ["name.startswith", { name: { startswith: "ap" } }, ["A api.example.test"]],
    ["type", { type: "AAAA" }, ["AAAA www.example.test"]],
    ["content.contains", { content: { contains: "abc" } }, ["TXT _acme-challenge.example.test"]],
    ["proxied=false", { proxied: false }, ["A api.example.test", "TXT _acme-challenge.example.test"]],
    [
      "match=any",
      { type: "TXT", name: { exact: "api.example.test" }, match: "any" },
      ["A api.example.test", "TXT _acme-challenge.example.test"],
    ],
    ["match=all (default)", { type: "TXT", name: { exact: "api.example.test" } }, []],
  ] as const)("filters by %s", async (_, query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it("orders by type then name by default, or by the given field and direction", async () => {
    expect(await names({})).toEqual([
      "A api.example.test",
      "A www.example.test",
      "AAAA www.example.test",
      "TXT _acme-challenge.example.test",
    ]);
    expect(await names({ order: "name", direction: "desc" })).toEqual([
      "A www.example.test",
      "AAAA www.example.test",
      "A api.example.test",
      "TXT _acme-challenge.example.test",
    ]);
  });

  it("auto-paginates over more than one page, asking one empty page past the end", async () => {
    for (let i = 0; i < 8; i++) {
      await t.cf.dns.records.create({
        zone_id: zoneId,
        type: "A",
        name: `n${i}`,
        content: `127.0.1.${20 + i}`,
        ttl: 1,
      });
    }
    const seen: string[] = [];
    for await (const r of t.cf.dns.records.list({ zone_id: zoneId, per_page: 5 })) seen.push(r.id);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    const page = await t.cf.dns.records.list({ zone_id: zoneId, per_page: 5, page: 3 });
    expect(page.result_info).toEqual({ page: 3, per_page: 5, count: 2, total_count: 12, total_pages: 3 });
  });
});
