import { describe, expect, it } from "vitest";
import type { ApiError } from "../../../src/sandbox/hetzner/errors.ts";
import { bestTemplate, matchPath, resolveRoute } from "../../../src/sandbox/hetzner/router.ts";
import { checkSchema, type Schema } from "../../../src/sandbox/hetzner/schema-check.ts";
import { requestSchema, resolveRef } from "../../../src/sandbox/hetzner/spec.ts";

const createServer = requestSchema("post", "/servers") as Schema;

describe("checkSchema against the spec's create_server body", () => {
  const valid = { name: "web-1", server_type: "cx22", image: "debian-12" };
  it.each([
    ["a minimal body", valid, []],
    [
      "every optional field",
      {
        ...valid,
        location: "fsn1",
        start_after_create: false,
        ssh_keys: ["k"],
        labels: { a: "b" },
        public_net: { enable_ipv4: true, ipv4: null },
      },
      [],
    ],
    [
      "missing required fields",
      {},
      [
        { name: "name", messages: ["Missing data for required field."] },
        { name: "server_type", messages: ["Missing data for required field."] },
        { name: "image", messages: ["Missing data for required field."] },
      ],
    ],
    ["a number for a string", { ...valid, name: 5 }, [{ name: "name", messages: ["Not a valid string."] }]],
    [
      "a string for a boolean",
      { ...valid, start_after_create: "yes" },
      [{ name: "start_after_create", messages: ["Not a valid boolean."] }],
    ],
    [
      "a non-string label value",
      { ...valid, labels: { a: 1 } },
      [{ name: "labels.a", messages: ["Not a valid string."] }],
    ],
    [
      "a list item of the wrong type",
      { ...valid, volumes: [1, "x"] },
      [{ name: "volumes[1]", messages: ["Not a valid integer."] }],
    ],
    [
      "a nested required field",
      { ...valid, firewalls: [{}] },
      [{ name: "firewalls[0].firewall", messages: ["Missing data for required field."] }],
    ],
    [
      "null where not nullable",
      { ...valid, image: null },
      [{ name: "image", messages: ["Field may not be null."] }],
    ],
    ["a list for an object", [], [{ name: "body", messages: ["Not a valid mapping type."] }]],
  ] as const)("reports %s", (_, body, errors) => {
    expect(checkSchema(body, createServer, resolveRef)).toEqual(errors);
  });

  it.each([
    [{ type: "string", enum: ["a", "b"] }, "c", ["Must be one of: a, b."]],
    [{ type: "integer", minimum: 1 }, 0, ["Must be greater than or equal to 1."]],
    [{ type: "integer", maximum: 5 }, 6, ["Must be less than or equal to 5."]],
    [{ type: "string", maxLength: 2 }, "abc", ["Longer than maximum length 2."]],
    [{ type: "string", pattern: "^[a-z]+$" }, "A", ["String does not match expected pattern."]],
    [{ type: "integer" }, 1.5, ["Not a valid integer."]],
    [{ oneOf: [{ type: "string" }, { type: "integer" }] }, true, ["Not a valid string."]],
  ] as const)("checks %j against %j", (schema, value, messages) => {
    expect(checkSchema(value, schema as Schema, resolveRef)).toEqual([{ name: "body", messages }]);
  });
});

describe("router", () => {
  it.each([
    ["/servers/{id}", "/servers/42", { id: "42" }],
    ["/servers/{id}/actions/{action_id}", "/servers/1/actions/2", { id: "1", action_id: "2" }],
    ["/servers/{id}", "/servers", null],
    ["/servers/{id}", "/servers/", null],
    ["/servers", "/servers/42", null],
  ])("matches %s against %s", (template, path, params) => {
    expect(matchPath(template, path)).toEqual(params);
  });

  it.each([
    ["/servers/actions", "/servers/actions"],
    ["/servers/7", "/servers/{id}"],
    ["/servers/actions/7", "/servers/actions/{id}"],
    ["/servers/7/actions", "/servers/{id}/actions"],
    ["/servers/7/actions/poweron", "/servers/{id}/actions/poweron"],
    ["/servers/7/actions/8", "/servers/{id}/actions/{action_id}"],
  ])("prefers literal segments: %s is %s", (path, template) => {
    const templates = [
      "/servers/{id}",
      "/servers/actions",
      "/servers/actions/{id}",
      "/servers/{id}/actions",
      "/servers/{id}/actions/{action_id}",
      "/servers/{id}/actions/poweron",
    ];
    expect(bestTemplate(templates, path)?.template).toBe(template);
  });

  const routes = [{ method: "GET", template: "/servers/{id}", handler: "get" }];
  const spec = {
    paths: () => ["/servers/{id}", "/firewalls"],
    hasOperation: (m: string, t: string) => (t === "/servers/{id}" ? ["GET", "PUT"] : ["GET"]).includes(m),
  };
  it.each([
    ["GET", "/servers/1", null],
    ["PUT", "/servers/1", "unsupported_error"],
    ["PATCH", "/servers/1", "method_not_allowed"],
    ["GET", "/firewalls", "unsupported_error"],
    ["GET", "/nothing", "not_found"],
  ])("%s %s fails with %s", (method, path, code) => {
    try {
      resolveRoute(routes, spec, method, path);
      expect(code).toBeNull();
    } catch (e) {
      expect((e as ApiError).code).toBe(code);
    }
  });
});
