// scripts/totals.mjs: the one-line total CI reads, summed from vitest JSON reports and failed checks.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SCRIPT = join(import.meta.dirname, "../../../scripts/totals.mjs");

interface Suite {
  status: "passed" | "failed";
  tests: ("passed" | "failed" | "skipped")[];
}

/** A vitest JSON report with just the fields totals.mjs reads. */
function report(suites: Suite[], todo = 0): object {
  const all = suites.flatMap((s) => s.tests);
  return {
    numPassedTests: all.filter((t) => t === "passed").length,
    numFailedTests: all.filter((t) => t === "failed").length,
    numPendingTests: all.filter((t) => t === "skipped").length,
    numTodoTests: todo,
    testResults: suites.map((s) => ({
      status: s.status,
      assertionResults: s.tests.map((status) => ({ status })),
    })),
  };
}

function totals(checksFailed: string, reports: (object | string | null)[]) {
  const dir = mkdtempSync(join(tmpdir(), "slipway-totals-"));
  const files = reports.map((content, i) => {
    const file = join(dir, `report-${i}.json`);
    if (content !== null)
      writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  });
  const run = spawnSync(process.execPath, [SCRIPT, checksFailed, ...files], { encoding: "utf8" });
  return { code: run.status, last: run.stdout.trimEnd().split("\n").at(-1) };
}

const green = report([
  { status: "passed", tests: ["passed", "passed"] },
  { status: "passed", tests: ["passed"] },
]);

describe("totals.mjs", () => {
  it.each([
    ["all passing", "0", [green, green], "6 passed, 0 failed", 0],
    [
      "skipped and todo tests",
      "0",
      [report([{ status: "passed", tests: ["passed", "skipped"] }], 2)],
      "1 passed, 0 failed, 3 skipped",
      0,
    ],
    ["failed static checks", "2", [green], "3 passed, 2 failed", 1],
    ["a non-numeric check count as none", "x", [green], "3 passed, 0 failed", 0],
    [
      "failed tests, counting their suite no further",
      "0",
      [report([{ status: "failed", tests: ["passed", "failed", "failed"] }])],
      "1 passed, 2 failed",
      1,
    ],
    [
      "a suite that failed to load, with no failed test",
      "0",
      [
        report([
          { status: "failed", tests: [] },
          { status: "passed", tests: ["passed"] },
        ]),
      ],
      "1 passed, 1 failed",
      1,
    ],
    [
      "a failed hook in a suite whose tests passed",
      "0",
      [report([{ status: "failed", tests: ["passed"] }])],
      "1 passed, 1 failed",
      1,
    ],
    ["a missing report", "0", [green, null], "3 passed, 1 failed", 1],
    ["a report cut short", "0", [green, '{"numPassedTests": 4, "numFa'], "3 passed, 1 failed", 1],
    ["an empty report", "1", ["", green], "3 passed, 2 failed", 1],
    ["no reports at all", "0", [], "0 passed, 0 failed", 0],
  ] as const)("sums %s", (_, checks, reports, last, code) => {
    expect(totals(checks, [...reports])).toEqual({ code, last });
  });

  it("treats a report without testResults as suites that all passed", () => {
    const { testResults: _, ...bare } = green as { testResults: unknown };
    expect(totals("0", [bare])).toEqual({ code: 0, last: "3 passed, 0 failed" });
  });
});
