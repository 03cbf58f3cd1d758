// cloudflare.dnsRecord against the sandbox's Cloudflare emulator, through the official SDK.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError, UserError } from "../../../../src/errors.ts";
import { createCloudflareClient } from "../../../../src/providers/cloudflare/client.ts";
import {
  type DnsRecordInput,
  dnsRecord,
  ownershipMarker,
  recordComment,
} from "../../../../src/providers/cloudflare/dns-record.ts";
import {
  ACCOUNT,
  startTestCloudflare,
  type TestCloudflare,
  TOKEN,
} from "../../../support/cloudflare-emulator.ts";

let t: TestCloudflare;
let ctx: { cloudflare: ReturnType<typeof createCloudflareClient> };

beforeAll(async () => {
  t = await startTestCloudflare();
  await t.cf.zones.create({ name: "example.test", account: { id: ACCOUNT.id } });
  ctx = {
    cloudflare: createCloudflareClient({ CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: t.emulator.url }),
  };
});
afterAll(() => t.close());

const want = (overrides: Partial<DnsRecordInput> = {}): DnsRecordInput => ({
  zone: "example.test",
  name: "www.example.test",
  type: "A",
  content: "127.0.1.5",
  proxied: false,
  ttl: 1,
  comment: recordComment(undefined, ownershipMarker("shop", "www.web")),
  ...overrides,
});

describe("recordComment", () => {
  it("puts the marker after the user's note and keeps within Cloudflare's 100 characters", () => {
    expect(recordComment("front door", "slipway:shop/www")).toBe("front door · slipway:shop/www");
    const long = recordComment("x".repeat(200), "slipway:shop/www");
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith("… · slipway:shop/www")).toBe(true);
  });
});

describe("cloudflare.dnsRecord", () => {
  it("creates a record that reads back in sync, then updates and deletes it", async () => {
    const created = await dnsRecord.create(ctx, want());
    expect(created).toMatchObject({
      name: "www.example.test",
      type: "A",
      content: "127.0.1.5",
      proxied: false,
    });
    const read = await dnsRecord.read(ctx, dnsRecord.id(created), want());
    expect(read && dnsRecord.diff(want(), read)).toEqual([]);

    const moved = want({ content: "127.0.1.6", proxied: true });
    const changes = dnsRecord.diff(moved, read!);
    expect(changes.map((c) => `${c.path}: ${String(c.from)} → ${String(c.to)}`)).toEqual([
      "content: 127.0.1.5 → 127.0.1.6",
      "proxied: false → true",
    ]);
    const updated = await dnsRecord.update(ctx, read!, moved, changes);
    expect(updated).toMatchObject({ content: "127.0.1.6", proxied: true, recordId: created.recordId });

    await dnsRecord.delete(ctx, updated);
    expect(await dnsRecord.read(ctx, dnsRecord.id(created), want())).toBeNull();
    await dnsRecord.delete(ctx, updated); // already gone: done
  });

  it("finds its own record again by the marker when state lost it, and never another stack's", async () => {
    const mine = want({ name: "api.example.test", comment: ownershipMarker("shop", "api") });
    const theirs = want({
      name: "api.example.test",
      content: "127.0.1.9",
      comment: ownershipMarker("blog", "api"),
    });
    await dnsRecord.create(ctx, theirs);
    expect(await dnsRecord.find!(ctx, mine)).toBeNull();
    const created = await dnsRecord.create(ctx, mine);
    const found = await dnsRecord.find!(ctx, { ...mine, content: "127.0.1.7" });
    expect(found?.recordId).toBe(created.recordId);
  });

  it("adopts an identical record someone made by hand instead of failing on a duplicate", async () => {
    const zoneId = (await t.cf.zones.list({ name: "example.test" })).result[0]!.id;
    const manual = await t.cf.dns.records.create({
      zone_id: zoneId,
      name: "mail.example.test",
      type: "A",
      content: "127.0.1.8",
      ttl: 1,
    });
    const found = await dnsRecord.find!(ctx, want({ name: "mail.example.test", content: "127.0.1.8" }));
    expect(found?.recordId).toBe(manual.id);
    expect(
      dnsRecord.diff(want({ name: "mail.example.test", content: "127.0.1.8" }), found!).map((c) => c.path),
    ).toEqual(["comment"]);
  });

  it("names the zone field when the account has no such zone", async () => {
    const error = await dnsRecord
      .create(ctx, want({ zone: "missing.test", name: "www.missing.test" }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe("dns.zone: the Cloudflare account has no zone named missing.test");
  });

  it("turns Cloudflare's refusal into an error that says what it was doing", async () => {
    const error = await dnsRecord
      .create(ctx, want({ name: "bad.example.test", content: "not-an-ip" }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^creating the DNS record A bad.example.test: Cloudflare answered 400: .+\(code \d+\)/,
    );
  });

  it("asks for a token when none is set, and says where to get one", () => {
    expect(() => createCloudflareClient({})).toThrow(UsageError);
    expect(() => createCloudflareClient({})).toThrow(/CLOUDFLARE_API_TOKEN is not set/);
  });
});
