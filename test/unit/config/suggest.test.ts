/** Suggestions for misspelt names: distances, the closest candidate, and the quoting of lists. */
import { describe, expect, it } from "vitest";
import { closest, editDistance, listOf } from "../../../src/config/suggest.ts";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["wbe", "web", 1],
    ["helthcheck", "healthcheck", 1],
  ])("between %j and %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe("closest", () => {
  const keys = ["healthcheck", "domains", "env", "replicas", "servers", "port"];
  it.each([
    ["helthcheck", "healthcheck"],
    ["health_check", "healthcheck"],
    ["healthCheck", "healthcheck"],
    ["domain", "domains"],
    ["replica", "replicas"],
    ["ports", "port"],
    ["server", "servers"],
    ["envs", "env"],
  ])("suggests %j for %j", (input, expected) => {
    expect(closest(input, keys)).toBe(expected);
  });

  it.each(["image", "x", "completely-different"])("suggests nothing for unrelated %j", (input) => {
    expect(closest(input, keys)).toBeUndefined();
  });
});

describe("listOf", () => {
  it.each([
    [[], ""],
    [["a"], '"a"'],
    [["a", "b"], '"a" or "b"'],
    [["a", "b", "c"], '"a", "b" or "c"'],
  ])("joins %j as %s", (values, text) => {
    expect(listOf(values)).toBe(text);
  });
});
