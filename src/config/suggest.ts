/**
 * "Did you mean …?" for unknown keys, names and enum values.
 * A candidate is suggested when it is equal ignoring case and separators, close for its length (edit
 * distance at most a third of the longer word, never more than 3), a word other tools use for the same
 * thing (Compose's `environment` for `env`), or a clear prefix; unrelated words get no suggestion.
 */

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

const fold = (word: string) => word.toLowerCase().replace(/[-_ .]/g, "");

/** Words from Docker Compose, Kamal, Terraform and habit, by the key slipway uses for them (folded). */
const SYNONYMS: Record<string, readonly string[]> = {
  env: ["environment", "envs", "variables", "envvars"],
  mounts: ["volumes", "volume", "binds"],
  servers: ["hosts", "roles", "nodes"],
  port: ["ports", "containerport", "expose"],
  command: ["cmd", "args"],
  healthcheck: ["health", "check", "readiness"],
  domains: ["host", "hostname", "hostnames", "fqdn"],
  dependson: ["depends", "needs", "after", "requires"],
  replicas: ["scale", "instances"],
  count: ["instances", "replicas", "size"],
  privatekey: ["key", "keypath", "identityfile", "keyfile"],
  iprange: ["cidr", "range"],
  schedule: ["cron", "every"],
  passphrase: ["password", "encryptionkey", "key"],
  retention: ["keep"],
  location: ["region", "datacenter", "dc"],
  type: ["servertype", "size", "plan", "kind"],
  masterkey: ["apikey", "key"],
  applyto: ["servers", "targets"],
  targets: ["servers", "backends"],
};

/** The candidate closest to `input`, or undefined when none is close enough to be a plausible typo. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const folded = fold(input);
  return (
    list.find((candidate) => fold(candidate) === folded) ??
    nearest(input, list) ??
    list.find((candidate) => SYNONYMS[fold(candidate)]?.includes(folded)) ??
    (folded.length >= 4 ? list.find((candidate) => fold(candidate).startsWith(folded)) : undefined)
  );
}

function nearest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
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
