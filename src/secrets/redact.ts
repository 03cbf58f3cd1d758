/**
 * Masks secret values in text slipway prints, the way CI systems mask registered secrets: whatever
 * path a value takes into a message (a provider's error echoing a request, a plan field a kind forgot
 * to mark sensitive), it prints as (sensitive). Each value is also masked in its JSON-escaped form,
 * which is how it appears inside --json output. Values shorter than MIN_LENGTH are not masked in free
 * text (masking "1" everywhere would garble every message); fields marked sensitive still hide them.
 */

export const MASK = "(sensitive)";
export const MIN_LENGTH = 4;

export class Redactor {
  /** Every value, whatever its length: what state encryption seals. */
  private readonly all = new Set<string>();
  /** The forms masked in text. */
  private readonly masked = new Set<string>();
  private maskPattern: RegExp | null = null;
  private allPattern: RegExp | null = null;

  add(value: string): void {
    if (value.length === 0 || this.all.has(value)) return;
    this.all.add(value);
    this.allPattern = null;
    if (value.length < MIN_LENGTH) return;
    for (const form of [value, JSON.stringify(value).slice(1, -1)]) this.masked.add(form);
    this.maskPattern = null;
  }

  get size(): number {
    return this.all.size;
  }

  text(text: string): string {
    this.maskPattern ??= alternation(this.masked);
    return this.maskPattern ? text.replace(this.maskPattern, MASK) : text;
  }

  /** Whether any string inside `value` contains a secret. */
  touches(value: unknown): boolean {
    this.allPattern ??= alternation(this.all);
    const pattern = this.allPattern;
    if (!pattern) return false;
    const visit = (v: unknown): boolean => {
      if (typeof v === "string") {
        pattern.lastIndex = 0;
        return pattern.test(v);
      }
      if (Array.isArray(v)) return v.some(visit);
      if (v && typeof v === "object") return Object.values(v).some(visit);
      return false;
    };
    return visit(value);
  }
}

/** One regex matching any of `values`, longest first so a secret that contains another is masked whole. */
function alternation(values: ReadonlySet<string>): RegExp | null {
  if (values.size === 0) return null;
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
}

/** The secrets this process has resolved or read from state: the CLI masks them in all it prints. */
export const printedSecrets = new Redactor();
