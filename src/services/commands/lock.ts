/**
 * The deploy lock of one service on one host: a directory created with `mkdir`, which either creates it
 * or fails atomically, holding a file that says who holds it, since when and why. A second deploy fails
 * naming the holder; `--force` takes over a lock whose holder died. Releasing removes the directory
 * only if it still holds our own holder record, so a deploy that was forced out never frees the lock
 * of the one that took it over. Pure: argv only.
 */
import type { Argv } from "../../util/shell.ts";
import { serviceDir } from "./slots.ts";

export interface LockHolder {
  /** user@machine that runs slipway. */
  who: string;
  /** ISO time the lock was taken. */
  since: string;
  reason: string;
  /** The command that holds it, e.g. "slipway deploy web". */
  command: string;
  pid: number;
}

export const LOCK_HELD = 3;

export function lockDir(stack: string, service: string): string {
  return `${serviceDir(stack, service)}/lock`;
}

/** Exits 0 when taken, LOCK_HELD (printing the holder record) when someone else holds it. */
export function acquireLock(stack: string, service: string, holder: LockHolder, force: boolean): Argv {
  const script = [
    'install -d -m 755 "$(dirname "$1")"',
    '[ "$3" = force ] && rm -rf "$1"',
    'if mkdir "$1" 2>/dev/null; then printf "%s\\n" "$2" > "$1/holder.json"; exit 0; fi',
    `cat "$1/holder.json" 2>/dev/null; exit ${LOCK_HELD}`,
  ].join("\n");
  return [
    "sh",
    "-c",
    script,
    "acquire-lock",
    lockDir(stack, service),
    JSON.stringify(holder),
    force ? "force" : "wait",
  ];
}

export function releaseLock(stack: string, service: string, holder: LockHolder): Argv {
  const script = '[ "$(cat "$1/holder.json" 2>/dev/null)" = "$2" ] && rm -rf "$1"; true';
  return ["sh", "-c", script, "release-lock", lockDir(stack, service), JSON.stringify(holder)];
}

/**
 * Whether `other` is a lock left by a run of this same user on this same machine whose process is gone
 * (killed, crashed): such a lock is taken over without --force, as the local state lock does. A holder on
 * another machine cannot be checked from here, so it still needs a human's --force.
 */
export function isAbandoned(other: LockHolder, self: LockHolder, isAlive: (pid: number) => boolean): boolean {
  return other.who === self.who && other.pid !== self.pid && !isAlive(other.pid);
}

/** The holder record a failed acquireLock printed, or null when it was unreadable (a half-made lock). */
export function parseHolder(output: string): LockHolder | null {
  try {
    const holder = JSON.parse(output.trim()) as Partial<LockHolder>;
    return typeof holder.who === "string" && typeof holder.since === "string" ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}
