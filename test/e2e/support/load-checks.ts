/**
 * What every deploy-under-load test asserts at the end: the stream is reported, no request failed in
 * any way, and exactly the expected releases answered.
 */
import { expect } from "vitest";
import type { Load } from "../../../bench/load.ts";

export async function expectEveryRequestServed(load: Load, label: string, releases: string[]): Promise<void> {
  const counts = await load.stop();
  process.stderr.write(`[e2e] ${label}: ${JSON.stringify(counts)}\n`);
  expect(counts.statuses).toEqual({});
  expect(counts.errors).toEqual({});
  expect(counts.ok).toBe(counts.sent);
  expect(Object.keys(counts.bodies).sort()).toEqual(releases);
}
