// Field comparison for diffs: sameValue/canonicalJson ignore key order, change() emits at most one Change.
import { describe, expect, it } from "vitest";
import { address, canonicalJson, change, sameValue } from "../../../src/engine/resource.ts";

describe("sameValue", () => {
  it.each([
    ["objects with keys in another order", { a: 1, b: 2 }, { b: 2, a: 1 }],
    [
      "nested objects with keys in another order",
      { x: { a: 1, b: [{ c: 1, d: 2 }] } },
      { x: { b: [{ d: 2, c: 1 }], a: 1 } },
    ],
    ["equal strings", "cx22", "cx22"],
    ["null and null", null, null],
    ["empty objects", {}, {}],
    ["a missing key and an undefined one", { a: 1 }, { a: 1, b: undefined }],
  ])("treats %s as the same", (_, a, b) => {
    expect(sameValue(a, b)).toBe(true);
  });

  it.each([
    ["arrays in another order", [1, 2], [2, 1]],
    ["a number and its string", 1, "1"],
    ["null and undefined", null, undefined],
    ["null and an empty object", null, {}],
    ["an extra key", { a: 1 }, { a: 1, b: 2 }],
    ["a nested difference", { a: { b: 1 } }, { a: { b: 2 } }],
  ])("tells apart %s", (_, a, b) => {
    expect(sameValue(a, b)).toBe(false);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: [{ z: 1, y: 2 }], a: { d: 1, c: 2 } })).toBe(
      '{"a":{"c":2,"d":1},"b":[{"y":2,"z":1}]}',
    );
  });
});

describe("change", () => {
  it("returns no change when the values are the same up to key order", () => {
    expect(change("labels", { a: "1", b: "2" }, { b: "2", a: "1" })).toEqual([]);
  });

  it("returns one in-place change by default", () => {
    expect(change("serverType", "cx22", "cx32")).toEqual([
      { path: "serverType", from: "cx22", to: "cx32", forcesReplace: false, sensitive: undefined },
    ]);
  });

  it("marks a change that forces replacement and one that is sensitive", () => {
    expect(change("image", "debian-11", "debian-12", { forcesReplace: true })[0]?.forcesReplace).toBe(true);
    expect(change("env.TOKEN", "sha256:a", "sha256:b", { sensitive: true })[0]?.sensitive).toBe(true);
  });

  it("reports a field that appears or disappears", () => {
    expect(change("port", undefined, 8080)).toEqual([
      { path: "port", from: undefined, to: 8080, forcesReplace: false, sensitive: undefined },
    ]);
    expect(change("port", 8080, null)).toHaveLength(1);
  });
});

describe("address", () => {
  it("joins kind and name with a dot", () => {
    expect(address("hetzner.server", "web-1")).toBe("hetzner.server.web-1");
  });
});
