// "Did you mean": edit distance and the nearest candidate within a length-scaled threshold.
import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../../src/util/closest.ts";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["plan", "plan", 0],
    ["plan", "plna", 2],
    ["kitten", "sitting", 3],
    ["detailed-exit-code", "detailed-exitcode", 1],
  ])("%j to %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("closest", () => {
  const commands = ["validate", "plan", "up", "destroy", "status", "sandbox"];

  it.each([
    ["a transposition", "paln", "plan"],
    ["a missing letter", "destory", "destroy"],
    ["different case", "PLAN", "plan"],
    ["a long flag with an extra dash", "detailed-exit-code", "detailed-exitcode"],
    ["a near miss of a short word", "upp", "up"],
  ])("suggests the intended word for %s", (_, word, expected) => {
    expect(closest(word, [...commands, "detailed-exitcode"])).toBe(expected);
  });

  it.each([
    ["a word far from every candidate", "kubernetes"],
    ["an empty list", "plan"],
  ])("suggests nothing for %s", (what, word) => {
    expect(closest(word, what === "an empty list" ? [] : commands)).toBeUndefined();
  });

  it("prefers the first of equally near candidates", () => {
    expect(closest("ab", ["ax", "xb"])).toBe("ax");
  });

  it("allows more edits for longer words: a third of the length", () => {
    expect(editDistance("confgurtion-fle", "configuration-file")).toBe(3);
    expect(closest("confgurtion-fle", ["configuration-file"])).toBe("configuration-file");
    expect(closest("abcd", ["wxyd"])).toBeUndefined();
  });
});
