/**
 * Validation of labels written by clients, per the spec's "Labels" section: a key is an optional DNS
 * subdomain prefix plus `/` and a name of at most 63 characters; a value is empty or at most 63
 * characters; both begin and end alphanumeric with `-`, `_`, `.` between. The `hetzner.cloud/` prefix is
 * reserved. Returns messages rather than throwing so the caller can report every bad label at once.
 */
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function keyProblem(key: string): string | null {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null) {
    if (prefix === "hetzner.cloud" || prefix.endsWith(".hetzner.cloud")) {
      return `label key '${key}' uses the reserved prefix 'hetzner.cloud/'`;
    }
    if (prefix.length > 253 || !prefix.split(".").every((part) => DNS_LABEL.test(part))) {
      return `label key '${key}' has a prefix that is not a DNS subdomain`;
    }
  }
  if (!NAME.test(name)) {
    return `label key '${key}' must be 1-63 characters, start and end alphanumeric, with - _ . between`;
  }
  return null;
}

function valueProblem(key: string, value: string): string | null {
  if (value === "" || NAME.test(value)) return null;
  return `label value '${value}' of key '${key}' must be empty or 1-63 characters, start and end alphanumeric, with - _ . between`;
}

/** Every problem with the given labels; empty when they are all valid. */
export function labelProblems(labels: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const k = keyProblem(key);
    if (k) problems.push(k);
    const v = valueProblem(key, value);
    if (v) problems.push(v);
  }
  return problems;
}
