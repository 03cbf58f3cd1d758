// Sums vitest JSON reports (and failed static checks) into the one-line total CI reads:
// "N passed, N failed" plus ", N skipped" when any were skipped. Exits non-zero if anything failed.
import { existsSync, readFileSync } from "node:fs";

const [checksFailed, ...reports] = process.argv.slice(2);
let passed = 0;
let failed = Number(checksFailed) || 0;
let skipped = 0;
for (const file of reports) {
  const report = readReport(file);
  if (!report) {
    failed += 1; // the suite did not even produce a (whole) report
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails to load (or a failing hook) fails no test of its own: count it once.
  for (const suite of report.testResults ?? []) {
    const failedInside = (suite.assertionResults ?? []).some((t) => t.status === "failed");
    if (suite.status === "failed" && !failedInside) failed += 1;
  }
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);

function readReport(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null; // cut short by a killed run: still print the totals line
  }
}
