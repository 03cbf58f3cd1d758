import { Resolver } from "node:dns/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError, UserError } from "../../../src/errors.ts";
import { addAddressArgv, bridgeName } from "../../../src/sandbox/dns/bridge-address.ts";
import { parseResolveType, resolveInSandbox } from "../../../src/sandbox/dns/resolve.ts";
import { type DnsServer, startDnsServer } from "../../../src/sandbox/dns/server.ts";
import { ACCOUNT, startTestCloudflare, type TestCloudflare } from "../../support/cloudflare-emulator.ts";

const EDGE = "127.0.4.1";
let t: TestCloudflare;
let dns: DnsServer;
let resolver: Resolver;
let zoneId: string;

beforeEach(async () => {
  t = await startTestCloudflare();
  dns = await startDnsServer({
    host: "127.0.0.1",
    port: 0,
    state: () => t.emulator.store.state,
    edgeAddress: EDGE,
  });
  resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);
  zoneId = (await t.cf.zones.create({ name: "example.test", account: { id: ACCOUNT.id } })).id;
});
afterEach(async () => {
  await dns.close();
  await t.close();
});

type Fields = {
  type: "A" | "AAAA" | "CNAME" | "TXT" | "MX";
  name: string;
  content: string;
  proxied?: boolean;
};
const add = (fields: Fields & { priority?: number }) =>
  // biome-ignore lint/suspicious/noExplicitAny: one helper for every record type
  t.cf.dns.records.create({ zone_id: zoneId, ttl: 1, ...fields } as any);

async function errorCode(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => expect.fail("expected the lookup to fail"),
    (e: NodeJS.ErrnoException) => e.code ?? String(e),
  );
}

describe("the sandbox's authoritative DNS server", () => {
  it("answers A, AAAA, TXT and MX from the emulator's records, the moment they exist", async () => {
    await add({ type: "A", name: "www", content: "127.0.1.5" });
    await add({ type: "A", name: "www", content: "127.0.1.6" });
    await add({ type: "AAAA", name: "www", content: "2001:db8::1" });
    await add({ type: "TXT", name: "@", content: "v=spf1 -all" });
    await add({ type: "MX", name: "@", content: "mail.example.test", priority: 10 });
    expect((await resolver.resolve4("www.example.test")).sort()).toEqual(["127.0.1.5", "127.0.1.6"]);
    expect(await resolver.resolve4("WWW.Example.Test", { ttl: true })).toContainEqual({
      address: "127.0.1.5",
      ttl: 300,
    });
    expect(await resolver.resolve6("www.example.test")).toEqual(["2001:db8::1"]);
    expect(await resolver.resolveTxt("example.test")).toEqual([["v=spf1 -all"]]);
    expect(await resolver.resolveMx("example.test")).toEqual([
      expect.objectContaining({ exchange: "mail.example.test", priority: 10 }),
    ]);
  });

  it("follows a CNAME within the zones and answers CNAME queries with the target", async () => {
    await add({ type: "A", name: "origin", content: "127.0.1.7" });
    await add({ type: "CNAME", name: "alias", content: "origin.example.test" });
    expect(await resolver.resolve4("alias.example.test")).toEqual(["127.0.1.7"]);
    expect(await resolver.resolveCname("alias.example.test")).toEqual(["origin.example.test"]);
  });

  it("answers proxied names with the edge's address and hides the origin", async () => {
    await add({ type: "A", name: "app", content: "127.0.1.5", proxied: true });
    await add({ type: "AAAA", name: "app", content: "2001:db8::5", proxied: true });
    await add({ type: "CNAME", name: "shop", content: "app.example.test", proxied: true });
    expect(await resolver.resolve4("app.example.test")).toEqual([EDGE]);
    expect(await resolver.resolve4("shop.example.test")).toEqual([EDGE]);
    expect(await errorCode(resolver.resolve6("app.example.test"))).toBe("ENODATA");
  });

  it("says NXDOMAIN for a missing name in a zone and REFUSED outside every zone", async () => {
    expect(await errorCode(resolver.resolve4("missing.example.test"))).toBe("ENOTFOUND");
    expect(await errorCode(resolver.resolve4("example.org"))).toBe("EREFUSED");
  });

  it("says NODATA for an existing name without the asked type, and for an empty non-terminal", async () => {
    await add({ type: "A", name: "a.b", content: "127.0.1.5" });
    expect(await errorCode(resolver.resolveTxt("a.b.example.test"))).toBe("ENODATA");
    expect(await errorCode(resolver.resolve4("b.example.test"))).toBe("ENODATA");
  });

  it("answers wildcards for names that do not exist, but not for names that do", async () => {
    await add({ type: "A", name: "*", content: "127.0.1.8" });
    await add({ type: "TXT", name: "real", content: "here" });
    expect(await resolver.resolve4("anything.example.test")).toEqual(["127.0.1.8"]);
    expect(await errorCode(resolver.resolve4("real.example.test"))).toBe("ENODATA");
  });

  it("answers the apex SOA and NS from the zone, also when the apex is proxied", async () => {
    await add({ type: "A", name: "@", content: "127.0.1.5", proxied: true });
    expect(await resolver.resolve4("example.test")).toEqual([EDGE]);
    expect(await resolver.resolveNs("example.test")).toEqual([
      "ada.ns.sandbox.slipway.test",
      "bob.ns.sandbox.slipway.test",
    ]);
    expect(await resolver.resolveSoa("example.test")).toMatchObject({
      nsname: "ada.ns.sandbox.slipway.test",
    });
  });

  it("truncates an answer too big for UDP, and the resolver gets it over TCP", async () => {
    for (let i = 0; i < 6; i++) await add({ type: "TXT", name: "big", content: `${i}${"x".repeat(200)}` });
    const txt = await resolver.resolveTxt("big.example.test");
    expect(txt).toHaveLength(6);
    expect(txt.map((parts) => parts.join("").length)).toEqual([201, 201, 201, 201, 201, 201]);
  });

  it("stops answering for a deleted record and a paused zone", async () => {
    const r = await add({ type: "A", name: "gone", content: "127.0.1.5" });
    await add({ type: "A", name: "www", content: "127.0.1.5" });
    await t.cf.dns.records.delete(r.id, { zone_id: zoneId });
    expect(await errorCode(resolver.resolve4("gone.example.test"))).toBe("ENOTFOUND");
    await t.cf.zones.edit({ zone_id: zoneId, paused: true });
    expect(await errorCode(resolver.resolve4("www.example.test"))).toBe("EREFUSED");
  });
});

describe("slipway sandbox resolve", () => {
  it("renders answers dig +short style", async () => {
    await add({ type: "A", name: "www", content: "127.0.1.5" });
    await add({ type: "MX", name: "@", content: "mail.example.test", priority: 10 });
    await add({ type: "TXT", name: "@", content: 'say "hi"' });
    await add({ type: "CNAME", name: "alias", content: "www.example.test" });
    const server = `127.0.0.1:${dns.port}`;
    expect(await resolveInSandbox("www.example.test", "A", server)).toEqual(["127.0.1.5"]);
    expect(await resolveInSandbox("example.test", "MX", server)).toEqual(["10 mail.example.test."]);
    expect(await resolveInSandbox("example.test", "TXT", server)).toEqual(['"say \\"hi\\""']);
    expect(await resolveInSandbox("alias.example.test", "CNAME", server)).toEqual(["www.example.test."]);
    expect((await resolveInSandbox("example.test", "SOA", server))[0]).toMatch(
      /^ada\.ns\.sandbox\.slipway\.test\. dns\.sandbox\.slipway\.test\. \d+$/,
    );
  });

  it.each([
    ["missing.example.test", "A", "missing.example.test does not exist (NXDOMAIN)"],
    ["www.example.test", "AAAA", "www.example.test exists but has no AAAA record"],
    ["example.org", "A", "example.org is in none of the sandbox's Cloudflare zones"],
  ] as const)("explains an empty answer for %s %s", async (name, type, message) => {
    await add({ type: "A", name: "www", content: "127.0.1.5" });
    const failure = resolveInSandbox(name, type, `127.0.0.1:${dns.port}`);
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toThrow(message);
  });

  it("says the server does not answer when nothing listens", async () => {
    await expect(resolveInSandbox("www.example.test", "A", "127.0.0.1:9")).rejects.toThrow(
      /the sandbox DNS server at 127\.0\.0\.1:9 did not answer/,
    );
  });

  it.each([
    [undefined, "A"],
    ["aaaa", "AAAA"],
    ["MX", "MX"],
  ] as const)("reads --type %s as %s", (raw, type) => {
    expect(parseResolveType(raw)).toBe(type);
  });

  it("refuses a type it does not serve, naming the valid ones", () => {
    expect(() => parseResolveType("SRV")).toThrow(UsageError);
    expect(() => parseResolveType("SRV")).toThrow("--type SRV: not a record type the sandbox serves");
  });
});

describe("the DNS server's address on the sandbox bridge", () => {
  it.each([
    ["0123456789abcdef0123|<no value>", "br-0123456789ab"],
    ["0123456789abcdef0123|", "br-0123456789ab"],
    ["0123456789abcdef0123|sbx0", "sbx0"],
  ])("finds the bridge of %j: %s", (inspected, bridge) => {
    expect(bridgeName(inspected)).toBe(bridge);
  });

  it("adds the address as a /32 on that bridge", () => {
    expect(addAddressArgv("br-0123456789ab", "172.29.2.3")).toEqual([
      "ip",
      "-4",
      "addr",
      "add",
      "172.29.2.3/32",
      "dev",
      "br-0123456789ab",
    ]);
  });
});
