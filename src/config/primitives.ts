/**
 * Small schemas every section shares: names, host names, ports, labels, commands, enums.
 * Each carries its own message showing a valid value, so the same words appear wherever the rule applies;
 * names are RFC 1123 labels because they end up inside Hetzner object names and container names.
 */
import { z } from "zod";
import { didYouMean, listOf } from "./suggest.ts";

/** A string that must match `pattern`; one message for a wrong type and a wrong format alike. */
export function text(pattern: RegExp, message: string) {
  // abort: checks of the enclosing object (which parse this value) must not run on a malformed one.
  return z.string({ error: message }).regex(pattern, { error: message, abort: true });
}

/** An enum whose message lists the allowed values and suggests the closest one. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => `expected ${listOf(values)}${didYouMean(iss.input, values)}`,
  });
}

/** A whole number in [min, max]; the message names the range and an example. */
export function integer(min: number, max: number, example: number, unit = "") {
  const message = `expected a whole number from ${min} to ${max}${unit} such as ${example}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, {
    error: message,
  });
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A logical name (server group, service, network, …): an RFC 1123 label of at most 63 characters. */
export function resourceName(what: string, example: string) {
  return text(LABEL, `expected a ${what} name of lowercase letters, digits and dashes such as "${example}"`);
}

/** The stack name prefixes every cloud object, so it is kept short: 1-40 characters, starting with a letter. */
export const StackName = text(
  /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
  'expected 1-40 lowercase letters, digits or dashes, starting with a letter, such as "acme-shop"',
);

/** Hetzner locations: Falkenstein, Nuremberg, Helsinki, Ashburn, Hillsboro, Singapore. */
export const LOCATIONS = ["fsn1", "nbg1", "hel1", "ash", "hil", "sin"] as const;
export const Location = oneOf(LOCATIONS);
export type Location = z.infer<typeof Location>;

/** The network zone a location belongs to; servers join only networks in their own zone. */
export function zoneOf(location: Location): NetworkZone {
  if (location === "ash") return "us-east";
  if (location === "hil") return "us-west";
  if (location === "sin") return "ap-southeast";
  return "eu-central";
}
export const NETWORK_ZONES = ["eu-central", "us-east", "us-west", "ap-southeast"] as const;
export type NetworkZone = (typeof NETWORK_ZONES)[number];

/** A DNS host name, optionally a wildcard (`*.example.com`). Lowercase so duplicates compare exactly. */
export const Hostname = text(
  /^(?=.{1,253}$)(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
  'expected a lowercase host name such as "app.example.com"',
);

/** A TCP/UDP port. */
export const Port = integer(1, 65535, 8080);

/** An environment variable name as POSIX shells accept it. */
export const EnvName = text(
  /^[A-Za-z_][A-Za-z0-9_]*$/,
  'expected an environment variable name such as "NODE_ENV"',
);

/** A command as an argv array, never a shell string: nothing is word-split or interpolated. */
export const Command = z
  .array(z.string({ error: 'expected each argument as a string, such as ["npm", "run", "migrate"]' }), {
    error: 'expected a command as an argv array such as ["npm", "run", "migrate"]',
  })
  .min(1, { error: 'expected a command as an argv array such as ["npm", "run", "migrate"]' });

const LABEL_KEY =
  /^(?:(?=[^/]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?=[^/]{1,63}$)[a-zA-Z0-9](?:[-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const LABEL_VALUE = /^(?:[a-zA-Z0-9](?:[-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)?$/;

/**
 * Hetzner labels: keys are an optional DNS-subdomain prefix and a 1-63 character name; values are at most
 * 63 characters of letters, digits, `-_.` starting and ending alphanumeric. `slipway/` is ours.
 */
export const Labels = z
  .record(
    text(LABEL_KEY, 'expected a label key such as "team" or "acme.com/team"').refine(
      (key) => !key.startsWith("slipway/"),
      { error: 'the "slipway/" label prefix is reserved for slipway; use another key such as "team"' },
    ),
    text(
      LABEL_VALUE,
      'expected a label value of at most 63 letters, digits, "-", "_" or "." such as "backend"',
    ),
    { error: 'expected labels as an object such as { team: "backend" }' },
  )
  .default({});
export type Labels = z.infer<typeof Labels>;

/** Names (of server groups, services, …) that something refers to; at least one, no repeats. */
export function nameList(what: string, example: string) {
  const message = `expected a list of ${what} names such as ["${example}"]`;
  return z
    .array(resourceName(what, example), { error: message })
    .min(1, { error: message })
    .superRefine((names, ctx) => {
      names.forEach((name, i) => {
        if (names.indexOf(name) !== i)
          ctx.addIssue({ code: "custom", path: [i], message: `"${name}" is listed twice` });
      });
    });
}
