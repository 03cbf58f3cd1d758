/**
 * How a session reaches its state: locked (for commands that write), encrypted where it holds secrets,
 * read through the backend. The key and the secrets file belong to the stack's directory; the redactor
 * learns every secret the run sees, so the CLI can mask them.
 */
import { join } from "node:path";
import { LocalStateLock } from "../engine/local-lock.ts";
import { LocalStateBackend } from "../engine/local-state.ts";
import { acquireLock, type HeldLock, type LockRequest, lockedBackend } from "../engine/lock.ts";
import { SealedStateBackend } from "../engine/sealed-state.ts";
import { emptyState, StateStore } from "../engine/state.ts";
import { UsageError } from "../errors.ts";
import { Keyring, keySettings } from "../secrets/keyring.ts";
import { printedSecrets, type Redactor } from "../secrets/redact.ts";
import { SecretsFile, secretsFilePath } from "../secrets/secrets-file.ts";

export interface StackKeys {
  keyring: Keyring;
  redactor: Redactor;
  secretsFile: SecretsFile;
}

export function stackKeys(
  stackDir: string,
  env: NodeJS.ProcessEnv,
  onKeyFileCreated: (path: string) => void = (path) =>
    process.stderr.write(
      `Created encryption key ${path} (0600). Keep a copy: without it, encrypted values are lost.\n`,
    ),
  redactor: Redactor = printedSecrets,
): StackKeys {
  const keyring = new Keyring(keySettings(env, stackDir), onKeyFileCreated);
  return { keyring, redactor, secretsFile: new SecretsFile(secretsFilePath(env, stackDir), keyring) };
}

export interface OpenedState {
  state: StateStore;
  /** The lock this run holds, when it asked for one. */
  lock?: HeldLock;
}

/** Opens the stack's local state, taking the lock first when `lock` is given (so the read is current). */
export async function openStackState(options: {
  stackDir: string;
  stackName: string;
  stackFile: string;
  keys: StackKeys;
  lock?: LockRequest;
}): Promise<OpenedState> {
  const dir = join(options.stackDir, ".slipway");
  const local = new LocalStateBackend(dir);
  const held = options.lock ? await acquireLock(new LocalStateLock(dir), options.lock) : undefined;
  try {
    const sealed = new SealedStateBackend(local, options.keys.keyring, options.keys.redactor);
    const backend = held ? lockedBackend(sealed, held) : sealed;
    const doc = (await backend.read()) ?? emptyState(options.stackName);
    if (doc.stack !== options.stackName) {
      throw new UsageError(
        `state in ${backend.location} belongs to stack "${doc.stack}", but ${options.stackFile} defines "${options.stackName}"`,
        {
          hint: "Renaming a stack would orphan its servers: destroy it under its old name first, or restore the name.",
        },
      );
    }
    return { state: new StateStore(doc, backend), lock: held };
  } catch (error) {
    await held?.release();
    throw error;
  }
}
