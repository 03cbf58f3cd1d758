/**
 * Money as Hetzner sends it (decimal strings such as "3.2900000000") held exactly: integer units of
 * 1e-10 in a BigInt, so a sum of many prices never picks up float noise and totals match by hand.
 */

const SCALE = 10;
const ONE = 10n ** BigInt(SCALE);

export type Money = bigint;

export function parseMoney(text: string): Money {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = match;
  const units = BigInt(whole!) * ONE + BigInt(frac.padEnd(SCALE, "0").slice(0, SCALE));
  return sign === "-" ? -units : units;
}

/** Multiplies by a decimal factor (a percentage, a size in GB), rounding half away from zero. */
export function times(amount: Money, factor: string | number): Money {
  const f = parseMoney(String(factor));
  const product = amount * f;
  const half = ONE / 2n;
  return product >= 0n ? (product + half) / ONE : -((-product + half) / ONE);
}

/** "3.29" style, rounded half up to `digits` decimals. */
export function formatMoney(amount: Money, digits = 2): string {
  const step = 10n ** BigInt(SCALE - digits);
  const negative = amount < 0n;
  const rounded = ((negative ? -amount : amount) + step / 2n) / step;
  const text = rounded.toString().padStart(digits + 1, "0");
  const out = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative && rounded !== 0n ? `-${out}` : out;
}
