import { describe, expect, it } from "vitest";
import { isValidHostname } from "../../../src/sandbox/hetzner/hostname.ts";
import { labelProblems } from "../../../src/sandbox/hetzner/labels.ts";

describe("isValidHostname (RFC 1123)", () => {
  it.each([
    ["web-1", true],
    ["web.example.com", true],
    ["1web", true],
    ["A", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`, true],
    [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`, false],
    ["", false],
    ["-web", false],
    ["web-", false],
    ["web_1", false],
    ["web..1", false],
    ["web 1", false],
    ["wéb", false],
  ])("%j is %s", (name, valid) => {
    expect(isValidHostname(name)).toBe(valid);
  });
});

describe("labelProblems", () => {
  it.each([
    [{ environment: "development", service: "backend", "example.com/my": "label", "just-a-key": "" }],
    [{ "slipway/stack": "mau" }],
    [{ a_b: "c.d-e" }],
  ])("accepts %j", (labels) => {
    expect(labelProblems(labels)).toEqual([]);
  });

  it.each([
    [{ "": "v" }, "label key '' must be 1-63 characters, start and end alphanumeric, with - _ . between"],
    [{ "-k": "v" }, "label key '-k' must be 1-63 characters, start and end alphanumeric, with - _ . between"],
    [
      { ["k".repeat(64)]: "v" },
      `label key '${"k".repeat(64)}' must be 1-63 characters, start and end alphanumeric, with - _ . between`,
    ],
    [{ "hetzner.cloud/x": "v" }, "label key 'hetzner.cloud/x' uses the reserved prefix 'hetzner.cloud/'"],
    [{ "Bad_Prefix/x": "v" }, "label key 'Bad_Prefix/x' has a prefix that is not a DNS subdomain"],
    [
      { k: "-v" },
      "label value '-v' of key 'k' must be empty or 1-63 characters, start and end alphanumeric, with - _ . between",
    ],
    [
      { k: "v".repeat(64) },
      `label value '${"v".repeat(64)}' of key 'k' must be empty or 1-63 characters, start and end alphanumeric, with - _ . between`,
    ],
    [
      { k: "a b" },
      "label value 'a b' of key 'k' must be empty or 1-63 characters, start and end alphanumeric, with - _ . between",
    ],
  ])("rejects %j", (labels, message) => {
    expect(labelProblems(labels)).toEqual([message]);
  });
});
