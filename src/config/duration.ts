/**
 * Durations: written as strings with a unit ("500ms", "30s", "2m", "1h", "7d"), parsed to milliseconds.
 * Bare numbers are refused on purpose: `interval: 30` could mean seconds or milliseconds, and guessing
 * wrong by a factor of 1000 is worse than asking for a unit.
 */
import { z } from "zod";

export const DURATION_UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** What a duration looks like in a config file (the input type, for editors). */
export type DurationString = `${number}${DurationUnit}`;

const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const MESSAGE = 'expected a duration such as "500ms", "30s", "2m" or "1h"';

/** Milliseconds in a duration string, or undefined when it is not one. Fractions round to whole ms. */
export function parseDuration(value: string): number | undefined {
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2] as DurationUnit]);
}

/** Formats milliseconds back with the largest unit that divides them exactly ("90s", "2m", "1500ms"). */
export function formatDuration(ms: number): DurationString {
  const units = Object.entries(DURATION_UNITS).reverse() as [DurationUnit, number][];
  for (const [unit, size] of units) if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

const base = z.string({ error: MESSAGE }).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: MESSAGE, input: value });
    return z.NEVER;
  }
  return ms;
});

/** A duration string parsed to milliseconds. The cast only narrows the *input* type for editors. */
export const Duration = base as unknown as z.ZodType<number, DurationString>;

/** A duration within [min, max] milliseconds; the message shows both bounds as durations. */
export function durationBetween(min: number, max: number) {
  const message = `expected a duration from ${formatDuration(min)} to ${formatDuration(max)}`;
  return base.refine((ms) => ms >= min && ms <= max, { error: message }) as unknown as z.ZodType<
    number,
    DurationString
  >;
}
