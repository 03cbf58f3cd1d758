/**
 * The encrypted secrets file (`slipway.secrets.json` beside the stack file, or SLIPWAY_SECRETS_FILE):
 * names in clear, so `slipway secrets list` and code review work without the key, and each value sealed
 * with the name as associated data, so values cannot be swapped between names. Safe to commit; the
 * key (passphrase or key file) is not.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { BASE_ENVIRONMENT } from "../config/environments.ts";
import { SECRET_NAME } from "../config/secret.ts";
import { UsageError } from "../errors.ts";
import { DecryptError, open, seal } from "./cipher.ts";
import { Encryption, type Keyring } from "./keyring.ts";

const SecretsDocument = z.object({
  version: z.literal(1),
  encryption: Encryption,
  secrets: z.record(z.string(), z.string()),
});
type SecretsDocument = z.infer<typeof SecretsDocument>;

/**
 * SLIPWAY_SECRETS_FILE when set, else `slipway.secrets.json` beside the stack file for the stack as
 * written and `slipway.secrets.<environment>.json` for another environment: no value is shared between
 * environments, so staging never runs with production's database password by accident.
 */
export function secretsFilePath(env: NodeJS.ProcessEnv, stackDir: string, environment?: string): string {
  if (env.SLIPWAY_SECRETS_FILE) return resolve(env.SLIPWAY_SECRETS_FILE);
  const own = environment === undefined || environment === BASE_ENVIRONMENT ? "" : `.${environment}`;
  return join(stackDir, `slipway.secrets${own}.json`);
}

export function checkSecretName(name: string, what = "NAME"): void {
  if (!SECRET_NAME.test(name)) {
    throw new UsageError(
      `${what}: expected a secret name in UPPER_SNAKE_CASE such as DATABASE_URL, got "${name}"`,
    );
  }
}

const aad = (name: string) => `slipway/secret/${name}`;

export class SecretsFile {
  private doc: SecretsDocument | null | undefined;
  private key: Buffer | undefined;
  readonly path: string;
  private readonly keyring: Keyring;

  constructor(path: string, keyring: Keyring) {
    this.path = path;
    this.keyring = keyring;
  }

  private load(): SecretsDocument | null {
    if (this.doc !== undefined) return this.doc;
    if (!existsSync(this.path)) {
      this.doc = null;
      return null;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (error) {
      throw new UsageError(`secrets file ${this.path} is not valid JSON: ${(error as Error).message}`, {
        hint: "Restore it from version control; slipway writes it only through `slipway secrets`.",
      });
    }
    const parsed = SecretsDocument.safeParse(raw);
    if (!parsed.success) {
      throw new UsageError(`secrets file ${this.path} is not a slipway secrets file (version 1)`, {
        hint: "Restore it from version control, or point SLIPWAY_SECRETS_FILE elsewhere.",
      });
    }
    this.doc = parsed.data;
    return this.doc;
  }

  private unlock(doc: SecretsDocument): Buffer {
    this.key ??= this.keyring.unlock(doc.encryption, this.path);
    return this.key;
  }

  exists(): boolean {
    return this.load() !== null;
  }

  /** Names only: needs no key. */
  names(): string[] {
    return Object.keys(this.load()?.secrets ?? {}).sort();
  }

  has(name: string): boolean {
    return Object.hasOwn(this.load()?.secrets ?? {}, name);
  }

  get(name: string): string | undefined {
    const doc = this.load();
    const sealed = doc?.secrets[name];
    if (!doc || sealed === undefined) return undefined;
    try {
      return open(this.unlock(doc), sealed, aad(name));
    } catch (error) {
      if (!(error instanceof DecryptError)) throw error;
      throw new UsageError(
        `secrets file ${this.path}: the value of ${name} does not decrypt (altered or moved)`,
        {
          hint: `Set it again with: slipway secrets set ${name}`,
        },
      );
    }
  }

  set(name: string, value: string): void {
    checkSecretName(name);
    let doc = this.load();
    if (doc === null) {
      const { header, key } = this.keyring.forNewFile();
      this.key = key;
      doc = { version: 1, encryption: header, secrets: {} };
    }
    const key = this.unlock(doc);
    this.write({ ...doc, secrets: { ...doc.secrets, [name]: seal(key, value, aad(name)) } });
  }

  /** Removes a secret; false when there was none of that name. */
  remove(name: string): boolean {
    const doc = this.load();
    if (!doc || !Object.hasOwn(doc.secrets, name)) return false;
    const { [name]: _gone, ...rest } = doc.secrets;
    this.write({ ...doc, secrets: rest });
    return true;
  }

  private write(doc: SecretsDocument): void {
    const sorted = {
      ...doc,
      secrets: Object.fromEntries(Object.entries(doc.secrets).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(sorted, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
    this.doc = sorted;
  }
}
