/**
 * "Did you mean …?" for unknown keys, names and enum values.
 * A candidate is suggested only when it is close for its length (edit distance at most a third of the
 * longer word, and never more than 3) or equal ignoring case and separators, so short typos get help and
 * unrelated words get none.
 */

/** Levenshtein distance with the usual single-row dynamic programme. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

const fold = (word: string) => word.toLowerCase().replace(/[-_ .]/g, "");

/** The candidate closest to `input`, or undefined when none is close enough to be a plausible typo. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (fold(candidate) === fold(input)) return candidate;
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    const limit = Math.min(3, Math.floor(Math.max(input.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?` or the empty string, ready to append to a message. */
export function didYouMean(input: unknown, candidates: Iterable<string>): string {
  if (typeof input !== "string") return "";
  const match = closest(input, candidates);
  return match === undefined ? "" : `; did you mean "${match}"?`;
}

/** Quotes and joins names for a message: `"a", "b" or "c"`. */
export function listOf(values: readonly string[], conjunction = "or"): string {
  const quoted = values.map((v) => `"${v}"`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted.at(-1)}`;
}
