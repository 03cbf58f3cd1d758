/**
 * The pieces the sandbox's API emulators share (the Hetzner and Cloudflare emulators, the S3 store and
 * the fault plan): this file, their JSON files on disk. Each API keeps its own envelope, errors and
 * authentication; only the plumbing underneath lives here.
 *
 * A JSON file is replaced whole through a temporary file and rename(2), so a crash leaves the old or the
 * new content, never half of one. Writes are synchronous: the files are small, and ordering then needs
 * no queue.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Writes `value` as indented JSON to `file`, atomically, creating the folder if needed. */
export function writeJsonFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * An emulator's saved state (`{version: 1, …}`) from `file`, or undefined when there is no file (or no
 * file name: the emulator then keeps its state in memory only). `what` names the state in errors.
 */
export function readStateFile<T extends { version: unknown }>(
  file: string | undefined,
  what: string,
): T | undefined {
  if (!file || !existsSync(file)) return undefined;
  let parsed: T;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    throw new Error(
      `${file}: not a readable ${what} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (parsed.version !== 1) throw new Error(`${file}: unsupported state version ${String(parsed.version)}`);
  return parsed;
}
