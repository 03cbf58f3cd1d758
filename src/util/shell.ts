/**
 * The one place argv becomes shell text. Every command slipway sends over SSH is built as argv by a pure
 * builder and quoted here, so no caller ever quotes by hand (Kamal quotes in three places; we don't).
 */
export type Argv = readonly string[];

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for POSIX sh: bare when it has no special characters, otherwise single-quoted. */
export function quote(word: string): string {
  if (word !== "" && SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Joins argv into one shell command line, each word quoted. */
export function toShell(argv: Argv): string {
  return argv.map(quote).join(" ");
}
