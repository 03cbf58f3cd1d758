/**
 * DNS name rules shared by zones and records: labels of letters, digits, hyphens and underscores
 * (`_acme-challenge`), at most 63 characters each and 253 in all, `*` only as the leftmost label.
 */
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

export function validHostname(name: string, options: { wildcard?: boolean } = {}): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  return labels.every((label, i) => (options.wildcard && i === 0 && label === "*") || LABEL.test(label));
}

/** A zone name: a valid hostname of at least two labels whose top label is not numeric. */
export function validZoneName(name: string): boolean {
  const labels = name.split(".");
  return labels.length >= 2 && validHostname(name) && !/^\d+$/.test(labels.at(-1) ?? "");
}
