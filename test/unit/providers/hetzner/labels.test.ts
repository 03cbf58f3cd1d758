// Ownership labels on Hetzner objects: the two labels, their selector, and making any text a valid value.
import { describe, expect, it } from "vitest";
import { labelValue, ownershipLabels, ownershipSelector } from "../../../../src/providers/hetzner/labels.ts";

describe("ownershipLabels and ownershipSelector", () => {
  it("label an object with its stack and resource, and select exactly those", () => {
    const labels = ownershipLabels("shop", "server.web-1");
    expect(labels).toEqual({ "slipway/stack": "shop", "slipway/resource": "server.web-1" });
    expect(ownershipSelector(labels)).toBe("slipway/stack=shop,slipway/resource=server.web-1");
  });

  it("select by the ownership labels only, ignoring others", () => {
    expect(ownershipSelector({ ...ownershipLabels("a", "b"), team: "x" })).toBe(
      "slipway/stack=a,slipway/resource=b",
    );
  });
});

describe("labelValue", () => {
  it.each([
    ["a valid value unchanged", "web-1.prod_x", "web-1.prod_x"],
    ["spaces and slashes as dashes", "my app/v2", "my-app-v2"],
    ["non-ASCII letters as dashes", "café", "caf"],
    ["leading and trailing punctuation removed", "--web--", "web"],
    ["dots and underscores at the ends removed", "._web_.", "web"],
    ["nothing usable as x", "///", "x"],
    ["the empty string as x", "", "x"],
  ])("keeps %s", (_, text, expected) => {
    expect(labelValue(text)).toBe(expected);
  });

  it("cuts to 63 characters and still ends alphanumeric", () => {
    const value = labelValue(`${"a".repeat(62)}-b`);
    expect(value).toBe("a".repeat(62));
    expect(labelValue("z".repeat(100))).toHaveLength(63);
  });

  it.each(["web 1", "a/b/c", "x".repeat(80), "-a-", "ünïcode"])(
    "always yields a valid Hetzner label value for %j",
    (text) => {
      expect(labelValue(text)).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
    },
  );
});
