import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

describe("catalog endpoints (every response validated against the spec)", () => {
  it.each([
    ["/locations", "locations", ["fsn1", "nbg1", "hel1", "ash", "hil"]],
    ["/datacenters", "datacenters", ["nbg1-dc3", "hel1-dc2", "fsn1-dc14", "ash-dc1", "hil-dc1"]],
    [
      "/server_types",
      "server_types",
      ["cx11", "cx21", "cx31", "cpx11", "cpx21", "cpx31", "cax11", "cx22", "cx32", "cx42", "cx52"],
    ],
    ["/load_balancer_types", "load_balancer_types", ["lb11", "lb21", "lb31"]],
    ["/images?architecture=x86", "images", ["debian-11", "ubuntu-22.04", "debian-12", "ubuntu-24.04"]],
  ])("GET %s lists %s", async (path, key, names) => {
    const res = await emu.api("GET", path);
    expect(res.status).toBe(200);
    expect(res.body[key].map((x: { name: string }) => x.name)).toEqual(names);
    const first = res.body[key][0];
    const one = await emu.api("GET", `${path.split("?")[0]}/${first.id}`);
    expect(Object.values(one.body)[0]).toEqual(first);
  });

  it.each([
    ["cx22", { cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "x86", deprecated: false }],
    ["cax11", { cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "arm", deprecated: false }],
    ["cx11", { cores: 1, memory: 2, disk: 20, deprecated: true }],
  ])("describes %s", async (name, fields) => {
    const [type] = (await emu.api("GET", `/server_types?name=${name}`)).body.server_types;
    expect(type).toMatchObject(fields);
  });

  it("prices cx22 per location in EUR, net and 19% gross", async () => {
    const [cx22] = (await emu.api("GET", "/server_types?name=cx22")).body.server_types;
    expect(cx22.prices.map((p: { location: string }) => p.location)).toEqual(["fsn1", "nbg1", "hel1"]);
    expect(cx22.prices[0]).toEqual({
      location: "fsn1",
      price_hourly: { net: "0.0052000000", gross: "0.0061880000000000" },
      price_monthly: { net: "3.2900000000", gross: "3.9151000000000000" },
      included_traffic: 21990232555520,
      price_per_tb_traffic: { net: "1.0000000000", gross: "1.1900000000000000" },
    });
  });

  it("marks deprecated server types with their dates", async () => {
    const [cx11] = (await emu.api("GET", "/server_types?name=cx11")).body.server_types;
    expect(cx11.deprecation).toEqual({
      announced: "2024-06-06T06:00:00+00:00",
      unavailable_after: "2024-09-06T00:00:00+00:00",
    });
    expect(cx11.locations[0]).toMatchObject({ name: "fsn1", available: false });
  });

  it("finds an image by name per architecture", async () => {
    const res = await emu.api("GET", "/images?name=debian-12");
    expect(res.body.images.map((i: { architecture: string }) => i.architecture)).toEqual(["x86", "arm"]);
    expect(res.body.images[0]).toMatchObject({
      type: "system",
      os_flavor: "debian",
      os_version: "12",
      status: "available",
    });
    expect((await emu.api("GET", "/images?type=snapshot")).body.images).toEqual([]);
  });

  it("returns the recommended datacenter with the list", async () => {
    expect((await emu.api("GET", "/datacenters")).body.recommendation).toBe(4);
  });

  it("answers /pricing with every price group", async () => {
    const { pricing } = (await emu.api("GET", "/pricing")).body;
    expect(pricing).toMatchObject({
      currency: "EUR",
      vat_rate: "19.00",
      volume: { price_per_gb_month: { net: "0.0440000000", gross: "0.0523600000000000" } },
      server_backup: { percentage: "20.00" },
    });
    expect(pricing.primary_ips[0].prices[0]).toMatchObject({
      location: "fsn1",
      price_monthly: { net: "0.5000000000" },
    });
    expect(pricing.server_types).toHaveLength(11);
    expect(pricing.load_balancer_types.map((t: { name: string }) => t.name)).toEqual([
      "lb11",
      "lb21",
      "lb31",
    ]);
  });

  it.each([
    ["/locations/99"],
    ["/server_types/2"],
    ["/images/1"],
    ["/datacenters/1"],
    ["/load_balancer_types/9"],
  ])("answers 404 not_found for %s", async (path) => {
    expect((await emu.api("GET", path)).body.error.code).toBe("not_found");
  });
});
