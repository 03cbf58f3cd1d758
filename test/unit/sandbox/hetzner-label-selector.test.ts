import { describe, expect, it } from "vitest";
import {
  LabelSelectorError,
  matchesSelector,
  parseLabelSelector,
} from "../../../src/sandbox/hetzner/label-selector.ts";

const prod = { env: "production", type: "web" };
const staging = { env: "staging", type: "database" };
const bare = {};
const emptyValue = { "just-a-key": "", "example.com/my": "label" };

describe("parseLabelSelector", () => {
  it.each([
    ["k=v", [{ op: "eq", key: "k", value: "v" }]],
    ["k==v", [{ op: "eq", key: "k", value: "v" }]],
    ["k!=v", [{ op: "neq", key: "k", value: "v" }]],
    ["k", [{ op: "exists", key: "k" }]],
    ["!k", [{ op: "notexists", key: "k" }]],
    ["k in (a,b)", [{ op: "in", key: "k", values: ["a", "b"] }]],
    ["k notin (a, b)", [{ op: "notin", key: "k", values: ["a", "b"] }]],
    ["example.com/my=label", [{ op: "eq", key: "example.com/my", value: "label" }]],
    ["k=", [{ op: "eq", key: "k", value: "" }]],
    [
      " a = 1 , b in (x,y), !c ",
      [
        { op: "eq", key: "a", value: "1" },
        { op: "in", key: "b", values: ["x", "y"] },
        { op: "notexists", key: "c" },
      ],
    ],
  ])("parses %j", (selector, expected) => {
    expect(parseLabelSelector(selector)).toEqual(expected);
  });

  it.each([
    ["k in (a"],
    ["k in a)"],
    [""],
    ["a,,b"],
    ["-k=v"],
    ["k=-v"],
    ["k=v w"],
    ["k in (a,)"],
    ["k in ()"],
  ])("rejects %j", (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });
});

describe("matchesSelector", () => {
  it.each([
    ["env=production", prod, true],
    ["env==production", staging, false],
    ["env!=production", staging, true],
    ["env!=production", bare, true], // absent keys satisfy negative forms, as in the spec's example
    ["env", prod, true],
    ["env", bare, false],
    ["!env", bare, true],
    ["!env", prod, false],
    ["env in (testing,staging)", staging, true],
    ["env in (testing,staging)", prod, false],
    ["env in (testing,staging)", bare, false],
    ["env notin (testing,staging)", prod, true],
    ["env notin (testing,staging)", staging, false],
    ["env notin (testing,staging)", bare, true],
    ["env=production,type!=database", prod, true],
    ["env=production,type!=database", staging, false],
    ["env=staging,!type", staging, false],
    ["just-a-key", emptyValue, true],
    ["just-a-key=", emptyValue, true],
    ["example.com/my=label", emptyValue, true],
  ])("%j on %j is %s", (selector, labels, expected) => {
    expect(matchesSelector(labels, parseLabelSelector(selector))).toBe(expected);
  });
});
