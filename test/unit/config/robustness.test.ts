/**
 * Properties over generated input: whatever a stack file holds, parseStack either returns a stack or
 * throws a StackConfigError whose every issue has a path-shaped path and a message of our own.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStack, StackConfigError } from "../../../src/config/index.ts";
import { withStack } from "./helpers.ts";

const KEY = String.raw`\["(?:[^"\\]|\\.)*"\]`;
const PATH = new RegExp(
  String.raw`^$|^(?:[A-Za-z_$][\w$-]*|\[\d+\]|${KEY})(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|${KEY})*$`,
);

function check(raw: unknown): void {
  try {
    parseStack(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    for (const issue of (error as StackConfigError).issues) {
      expect(issue.path).toMatch(PATH);
      expect(issue.message).not.toMatch(/^Invalid input|Unrecognized key|^Invalid$/);
      expect(issue.message.length).toBeGreaterThan(0);
    }
  }
}

/** Paths into the minimal stack plus a few sections it lacks, where a generated value is planted. */
const SPOTS = [
  ["name"],
  ["location"],
  ["servers", "web"],
  ["servers", "web", "count"],
  ["servers", "web", "networks"],
  ["services", "web"],
  ["services", "web", "env"],
  ["services", "web", "healthcheck"],
  ["services", "web", "domains"],
  ["services", "web", "mounts"],
  ["accessories", "db"],
  ["firewalls", "fw"],
  ["loadBalancers", "lb"],
  ["networks", "main"],
  ["dns"],
  ["backups", "db"],
  ["hosts"],
  ["ci"],
  ["environments", "staging"],
];

function plant(path: string[], value: unknown): Record<string, unknown> {
  return withStack(
    path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>,
  );
}

describe("parseStack on generated input", () => {
  it("reports anything at the top level as issues", () => {
    fc.assert(fc.property(fc.anything(), check), { numRuns: 300 });
  });

  it("reports any value planted inside a valid stack as issues", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPOTS), fc.anything({ withNullPrototype: false }), (path, value) =>
        check(plant(path, value)),
      ),
      { numRuns: 1500 },
    );
  });

  it("accepts its own examples of valid values wherever a duration goes", () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.constantFrom("ms", "s", "m", "h", "d"), (n, unit) => {
        const stack = parseStack(withStack({ services: { web: { drain: `${n}${unit}` } } }));
        expect(stack.services.web!.drain).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
