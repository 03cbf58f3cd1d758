/**
 * Secret references: `secret("DATABASE_URL")` stands for a value slipway reads from the environment
 * variable of that name when it deploys, so the value never sits in the config file, the plan or state.
 * A ref is plain frozen data (no class, no symbol): the config file and slipway may load two copies of
 * this module, and a structural check works across both.
 */
import { z } from "zod";

/** A reference to a secret value held outside the config, by environment variable name. */
export type SecretRef = Readonly<{ secret: string }>;

export const SECRET_NAME = /^[A-Z][A-Z0-9_]*$/;
const NAME_MESSAGE = 'expected a secret name in UPPER_SNAKE_CASE such as "DATABASE_URL"';

/**
 * Refers to the secret named `name` (an UPPER_SNAKE_CASE environment variable name).
 * A malformed name is reported by validation, with the path where the ref is used.
 * @example env: { DATABASE_URL: secret("DATABASE_URL") }
 */
export function secret(name: string): SecretRef {
  return Object.freeze({ secret: name });
}

/** True for `{ secret: "NAME" }` and nothing else. */
export function isSecretRef(value: unknown): value is SecretRef {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 && keys[0] === "secret" && typeof (value as { secret: unknown }).secret === "string"
  );
}

const REF_MESSAGE = 'expected a secret reference such as secret("DATABASE_URL")';

/**
 * The schema of a ref; parsing returns a fresh frozen ref. The shape is checked as a whole first, so
 * `{ url: "…" }` reads as "not a secret ref" rather than "missing key secret, unknown key url".
 */
export const SecretRefSchema = z
  .custom<{ secret: string }>(
    (value) => typeof value === "object" && value !== null && Object.keys(value).join() === "secret",
    { error: REF_MESSAGE, abort: true },
  )
  .pipe(z.object({ secret: z.string({ error: NAME_MESSAGE }).regex(SECRET_NAME, { error: NAME_MESSAGE }) }))
  .transform((ref): SecretRef => secret(ref.secret));

/** A plain string or a secret ref, for env values, passwords and tokens. */
export function secretOr(example: string, secretName: string) {
  return z.union([z.string(), SecretRefSchema], {
    error: `expected a string such as "${example}" or a secret such as secret("${secretName}")`,
  });
}
