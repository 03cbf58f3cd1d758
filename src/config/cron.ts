/**
 * Cron schedules as the system cron on the hosts reads them: five fields (minute hour day month weekday)
 * or one of the @-macros. Validated here, field by field, so a schedule that would never fire (or that
 * cron would reject at install time) is caught before anything is deployed.
 */
import { z } from "zod";

const MACROS = ["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"];

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

type Field = (typeof FIELDS)[number];

function value(token: string, field: Field): number | undefined {
  const names: readonly string[] = "names" in field ? field.names : [];
  const named = names.indexOf(token.toLowerCase());
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(token)) return undefined;
  const n = Number(token);
  return n >= field.min && n <= field.max ? n : undefined;
}

/** The problem with one field ("*", "1-5", "0-59/15", "1,15", "mon-fri"), or undefined when it is valid. */
function fieldProblem(text: string, field: Field): string | undefined {
  for (const part of text.split(",")) {
    const [range, step, extra] = part.split("/");
    if (extra !== undefined || range === undefined || range === "")
      return `"${part}" is not a valid ${field.name}`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1))
      return `step "${step}" must be a whole number above 0`;
    if (range === "*") continue;
    const [from, to, more] = range.split("-");
    const low = value(from ?? "", field);
    const high = to === undefined ? low : value(to, field);
    if (more !== undefined || low === undefined || high === undefined) {
      return `"${part}" is not a valid ${field.name} (${field.min}-${field.max})`;
    }
    if (high < low) return `range "${range}" runs backwards`;
  }
  return undefined;
}

/** The problem with a schedule, or undefined when cron accepts it. */
export function cronProblem(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (trimmed.startsWith("@")) return MACROS.includes(trimmed) ? undefined : `unknown macro "${trimmed}"`;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} fields, cron takes 5 (minute hour day month weekday)`;
  for (const [i, field] of FIELDS.entries()) {
    const problem = fieldProblem(fields[i]!, field);
    if (problem) return `${field.name}: ${problem}`;
  }
  return undefined;
}

const EXAMPLE = 'such as "0 3 * * *" (03:00 every day) or "@daily"';

/** A cron schedule; kept as written, since the hosts' cron reads it. */
export const Cron = z
  .string({ error: `expected a cron schedule ${EXAMPLE}` })
  .superRefine((schedule, ctx) => {
    const problem = cronProblem(schedule);
    if (problem)
      ctx.addIssue({ code: "custom", message: `invalid cron schedule: ${problem}; write one ${EXAMPLE}` });
  });
