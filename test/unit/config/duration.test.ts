/** Durations (to milliseconds) and sizes (to MiB), as parsing tables and in a stack. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../../src/config/duration.ts";
import { parseSize } from "../../../src/config/size.ts";
import { issuesOf, withStack } from "./helpers.ts";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["7d", 604_800_000],
    ["1.5s", 1_500],
    ["0s", 0],
    [" 10s ", 10_000],
  ])("reads %j as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "30", "s", "-1s", "1e3s", "1 h", "1h30m", "2 minutes", "Infinitys"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it("formats back with the largest exact unit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 10 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
    expect([1_500, 90_000, 3_600_000, 0].map(formatDuration)).toEqual(["1500ms", "90s", "1h", "0ms"]);
  });
});

describe("durations in a stack", () => {
  it("are parsed to milliseconds under the same keys", () => {
    const healthcheck = { interval: "500ms", timeout: "3s", deadline: "2m" };
    expect(issuesOf(withStack({ services: { web: { healthcheck, drain: "1h" } } }))).toEqual([]);
  });

  it.each([
    [30, 'expected a duration such as "500ms", "30s", "2m" or "1h"'],
    ["30", 'expected a duration such as "500ms", "30s", "2m" or "1h"'],
    ["30 seconds", 'expected a duration such as "500ms", "30s", "2m" or "1h"'],
  ])("refuse %j with a message showing valid values", (drain, message) => {
    expect(issuesOf(withStack({ services: { web: { drain } } }))).toEqual([
      { path: "services.web.drain", message },
    ]);
  });
});

describe("parseSize", () => {
  it.each([
    ["512M", 512],
    ["2G", 2048],
    ["1.5g", 1536],
    ["1GiB", 1024],
    ["100MB", 100],
    ["1T", 1_048_576],
    ["512K", 1],
  ])("reads %j as %i MiB", (text, mib) => {
    expect(parseSize(text)).toBe(mib);
  });

  it.each(["", "512", "2 gigabytes", "G"])("refuses %j", (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});
