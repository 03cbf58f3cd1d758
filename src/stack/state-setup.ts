/**
 * How a session reaches its state: locked (for commands that write), encrypted where it holds secrets,
 * read through the backend. The key and the secrets file belong to the stack's directory; the redactor
 * learns every secret the run sees, so the CLI can mask them.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { LocalStateLock } from "../engine/local-lock.ts";
import { LocalStateBackend } from "../engine/local-state.ts";
import {
  acquireLock,
  type HeldLock,
  type LockRequest,
  lockedBackend,
  type StateLock,
} from "../engine/lock.ts";
import { S3StateLock } from "../engine/s3-lock.ts";
import { parseS3Url, probeConditionalWrites, S3StateBackend } from "../engine/s3-state.ts";
import { SealedStateBackend } from "../engine/sealed-state.ts";
import { emptyState, type StateBackend, StateStore } from "../engine/state.ts";
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

export interface StateStorage {
  backend: StateBackend;
  lock: StateLock;
  /** Checks the storage can be trusted with a lock (S3: conditional writes are enforced). */
  check(): Promise<void>;
}

/**
 * Where a stack's state lives: `.slipway/` beside the stack file, or the bucket SLIPWAY_STATE names
 * (`s3://bucket/prefix`, reached with the standard AWS_* variables, AWS_ENDPOINT_URL_S3 included).
 */
export function stateStorage(stackDir: string, env: NodeJS.ProcessEnv): StateStorage {
  if (env.SLIPWAY_STATE) {
    const where = parseS3Url(env.SLIPWAY_STATE);
    const endpoint = env.AWS_ENDPOINT_URL_S3;
    const bundle = env.AWS_CA_BUNDLE;
    const client = new S3Client({
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: env.AWS_ACCESS_KEY_ID,
              secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
              sessionToken: env.AWS_SESSION_TOKEN,
            },
          }
        : {}),
      // A custom endpoint (the sandbox, Hetzner, MinIO) takes path-style URLs; AWS itself does not need them.
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      // The AWS CLI reads AWS_CA_BUNDLE; the JavaScript SDK does not, so load it into the HTTPS agent.
      ...(bundle ? { requestHandler: { httpsAgent: new Agent({ ca: readCaBundle(bundle) }) } } : {}),
    });
    return {
      backend: new S3StateBackend(client, where),
      lock: new S3StateLock(client, where),
      check: () => probeConditionalWrites(client, where),
    };
  }
  const dir = join(stackDir, ".slipway");
  return { backend: new LocalStateBackend(dir), lock: new LocalStateLock(dir), check: async () => undefined };
}

function readCaBundle(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`AWS_CA_BUNDLE: cannot read ${path}: ${(error as Error).message}`);
  }
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
  env?: NodeJS.ProcessEnv;
  /** Defaults to stateStorage(stackDir, env). */
  storage?: StateStorage;
}): Promise<OpenedState> {
  const storage = options.storage ?? stateStorage(options.stackDir, options.env ?? process.env);
  if (options.lock) await storage.check();
  const held = options.lock ? await acquireLock(storage.lock, options.lock) : undefined;
  try {
    const sealed = new SealedStateBackend(storage.backend, options.keys.keyring, options.keys.redactor);
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
