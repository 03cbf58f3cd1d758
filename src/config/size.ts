/**
 * Sizes of memory and disk written as "512M", "2G" (binary units, as Docker and the kernel use them),
 * parsed to mebibytes. Like durations, a bare number is refused: "512" could be bytes or megabytes.
 */
import { z } from "zod";

const UNITS = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 } as const;
type SizeUnit = "K" | "M" | "G" | "T" | "k" | "m" | "g" | "t";

/** What a size looks like in a config file. */
export type SizeString = `${number}${SizeUnit}` | `${number}${SizeUnit}B` | `${number}${SizeUnit}iB`;

const PATTERN = /^(\d+(?:\.\d+)?)\s*([kmgt])(?:i?b)?$/i;
const MESSAGE = 'expected a size such as "512M" or "2G"';

/** Mebibytes in a size string (rounded up to a whole MiB), or undefined when it is not one. */
export function parseSize(value: string): number | undefined {
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase() as keyof typeof UNITS;
  return Math.ceil(Number(match[1]) * UNITS[unit]);
}

/** A size string parsed to MiB; must come to at least 1 MiB. */
export const Size = z.string({ error: MESSAGE }).transform((value, ctx) => {
  const mib = parseSize(value);
  if (mib === undefined || mib < 1) {
    ctx.addIssue({ code: "custom", message: MESSAGE, input: value });
    return z.NEVER;
  }
  return mib;
}) as unknown as z.ZodType<number, SizeString>;
