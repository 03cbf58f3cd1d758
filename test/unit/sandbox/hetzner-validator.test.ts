import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import { findTemplate, validateResponse } from "../../support/openapi-response-validator.ts";

let emu: TestEmulator;
let server: Record<string, unknown>;
beforeAll(async () => {
  emu = await startTestEmulator();
  const res = await emu.api("POST", "/servers", { name: "probe", server_type: "cx22", image: "debian-12" });
  server = res.body.server;
  await emu.settle(res.body.action.id);
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

function withHourlyNet(net: string) {
  const type = server.server_type as { prices: { price_hourly: object }[] };
  const [first, ...rest] = type.prices;
  const prices = [{ ...first, price_hourly: { ...first?.price_hourly, net } }, ...rest];
  return { server: { ...server, server_type: { ...type, prices } } };
}

describe("the OpenAPI response validator", () => {
  it("accepts the emulator's server", () => {
    expect(validateResponse("GET", "/v1/servers/42", 200, { server })).toEqual([]);
  });

  it("catches a server missing public_net", () => {
    const { public_net: _, ...broken } = server;
    expect(validateResponse("GET", "/v1/servers/42", 200, { server: broken })).toEqual([
      `/server must have required property 'public_net' {"missingProperty":"public_net"}`,
    ]);
  });

  it.each([
    [
      "a field the spec does not list",
      { server: { ...server, power: "on" } },
      "must NOT have additional properties",
    ],
    ["a wrong type", { server: { ...server, id: "42" } }, "/server/id must be integer"],
    [
      "a status outside the enum",
      { server: { ...server, status: "sleeping" } },
      "/server/status must be equal to one of the allowed values",
    ],
    [
      "a null where the spec has no nullable",
      { server: { ...server, labels: null } },
      "/server/labels must be object",
    ],
    ["a malformed decimal", "decimal", 'must match format "decimal"'],
  ])("catches %s", (_, broken, message) => {
    const body = broken === "decimal" ? withHourlyNet("1,0") : broken;
    const errors = validateResponse("GET", "/v1/servers/42", 200, body);
    expect(errors.join("\n")).toContain(message);
  });

  it.each([
    [
      "an error body of any 4xx",
      "GET",
      "/v1/servers/42",
      404,
      { error: { code: "not_found", message: "x", details: null } },
      [],
    ],
    [
      "an error without message",
      "GET",
      "/v1/servers/42",
      404,
      { error: { code: "not_found" } },
      ["/error must have required property 'message'"],
    ],
    ["a 204 without body", "DELETE", "/v1/ssh_keys/1", 204, null, []],
    ["a 204 with a body", "DELETE", "/v1/ssh_keys/1", 204, {}, ["expected no body for status 204"]],
    [
      "a status the operation lacks",
      "GET",
      "/v1/servers/42",
      201,
      {},
      ["the spec has no 201 response for GET /servers/{id}"],
    ],
    [
      "a not_found outside the spec",
      "GET",
      "/v1/nothing",
      404,
      { error: { code: "not_found", message: "x", details: null } },
      [],
    ],
    [
      "a success outside the spec",
      "GET",
      "/v1/nothing",
      200,
      {},
      ["status 200 for a path outside the spec: /v1/nothing"],
    ],
  ])("handles %s", (_, method, path, status, body, expected) => {
    expect(validateResponse(method, path, status, body).map((e) => e.replace(/ \{.*\}$/, ""))).toEqual(
      expected,
    );
  });

  it.each([
    ["/servers/actions", "/servers/actions"],
    ["/servers/12", "/servers/{id}"],
    ["/servers/12/actions/poweron", "/servers/{id}/actions/poweron"],
    ["/servers/12/actions/34", "/servers/{id}/actions/{action_id}"],
  ])("maps %s to %s", (path, template) => {
    expect(findTemplate(path)).toBe(template);
  });

  it("sees every exchange of the emulator", async () => {
    await emu.api("GET", "/servers?name=probe");
    expect(emu.exchanges.map((e) => `${e.method} ${e.path}?${e.query} ${e.status}`)).toEqual([
      "GET /v1/servers?name=probe 200",
    ]);
  });
});
