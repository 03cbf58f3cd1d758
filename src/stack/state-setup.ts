/**
 * How a session reaches its state: locked (for commands that write), encrypted where it holds secrets,
 * read through the backend. The key and the secrets file belong to the stack's directory; the redactor
 * learns every secret the run sees, so the CLI can mask them.
 */
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
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
import { environmentPrefix, localStateDir } from "./environment-paths.ts";

export interface StackKeys {
  keyring: Keyring;
  redactor: Redactor;
  secretsFile: SecretsFile;
}

export interface StackKeysOptions {
  /** Selects the environment's own secrets file (see secretsFilePath); the key is the stack's. */
  environment?: string;
  onKeyFileCreated?: (path: string) => void;
  redactor?: Redactor;
}

export function stackKeys(
  stackDir: string,
  env: NodeJS.ProcessEnv,
  options: StackKeysOptions = {},
): StackKeys {
  const onKeyFileCreated =
    options.onKeyFileCreated ??
    ((path: string) =>
      process.stderr.write(
        `Created encryption key ${path} (0600). Keep a copy: without it, encrypted values are lost.\n`,
      ));
  const redactor = options.redactor ?? printedSecrets;
  const keyring = new Keyring(keySettings(env, stackDir), onKeyFileCreated);
  const secretsFile = new SecretsFile(secretsFilePath(env, stackDir, options.environment), keyring);
  return { keyring, redactor, secretsFile };
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
 * An environment other than the stack as written has its own place under either (environment-paths.ts).
 */
export function stateStorage(stackDir: string, env: NodeJS.ProcessEnv, environment?: string): StateStorage {
  if (env.SLIPWAY_STATE) {
    const root = parseS3Url(env.SLIPWAY_STATE);
    const where = { ...root, prefix: environmentPrefix(root.prefix, environment) };
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
  const dir = localStateDir(stackDir, environment);
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
  /** The environment whose state to open (default: the stack as written). */
  environment?: string;
  /** Defaults to stateStorage(stackDir, env, environment). */
  storage?: StateStorage;
}): Promise<OpenedState> {
  const storage =
    options.storage ?? stateStorage(options.stackDir, options.env ?? process.env, options.environment);
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
