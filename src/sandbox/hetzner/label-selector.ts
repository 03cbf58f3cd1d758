/**
 * The label selector language of the spec's "Label Selector" section: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)`, `k notin (a,b)`, joined by commas meaning AND. Pure: parse once, then match many.
 * Negative forms (`k!=v`, `k notin (...)`) also match objects without the key, as in Kubernetes, whose
 * grammar Hetzner adopted: the spec's own example "don't have a type=database label" includes unlabelled ones.
 */
export type Requirement =
  | { readonly op: "exists" | "notexists"; readonly key: string }
  | { readonly op: "eq" | "neq"; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] };

export class LabelSelectorError extends Error {}

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth < 0) throw new LabelSelectorError("unbalanced ')'");
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  if (depth !== 0) throw new LabelSelectorError("unbalanced '('");
  terms.push(current);
  return terms.map((t) => t.trim());
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key)) throw new LabelSelectorError(`invalid key in '${term}'`);
  return key;
}

function checkValue(value: string, term: string): string {
  if (!VALUE.test(value)) throw new LabelSelectorError(`invalid value in '${term}'`);
  return value;
}

function parseTerm(term: string): Requirement {
  if (term === "") throw new LabelSelectorError("empty expression");
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const [, key = "", op, list = ""] = set;
    const values = list.split(",").map((v) => checkValue(v.trim(), term));
    if (values.includes("")) throw new LabelSelectorError(`empty value in the set of '${term}'`);
    return { op: op === "in" ? "in" : "notin", key: checkKey(key, term), values };
  }
  const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (compare) {
    const [, key = "", op, value = ""] = compare;
    return {
      op: op === "!=" ? "neq" : "eq",
      key: checkKey(key, term),
      value: checkValue(value.trim(), term),
    };
  }
  if (term.startsWith("!")) return { op: "notexists", key: checkKey(term.slice(1).trim(), term) };
  return { op: "exists", key: checkKey(term, term) };
}

/** Parses a selector; throws LabelSelectorError with a short reason when it is malformed. */
export function parseLabelSelector(selector: string): Requirement[] {
  return splitTerms(selector).map(parseTerm);
}

export function matchesRequirement(labels: Readonly<Record<string, string>>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case "exists":
      return has;
    case "notexists":
      return !has;
    case "eq":
      return has && value === r.value;
    case "neq":
      return !has || value !== r.value;
    case "in":
      return has && r.values.includes(value ?? "");
    case "notin":
      return !has || !r.values.includes(value ?? "");
  }
}

/** True when the labels satisfy every requirement (comma means AND). */
export function matchesSelector(
  labels: Readonly<Record<string, string>>,
  reqs: readonly Requirement[],
): boolean {
  return reqs.every((r) => matchesRequirement(labels, r));
}
