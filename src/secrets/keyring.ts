/**
 * Where the encryption key comes from: `SLIPWAY_PASSPHRASE` (stretched with scrypt, salt kept in the
 * encrypted file's header), else a key file (`SLIPWAY_KEY_FILE`, default `.slipway/key` beside the stack
 * file) holding 32 random bytes in base64. When neither exists, the first write that needs a key
 * creates the key file (0600). Each encrypted file records which kind of key it was made with and a
 * check value, so a wrong key fails at once with a message naming the file, not with garbage later.
 */
import { createHash, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { UsageError } from "../errors.ts";
import { DecryptError, open, seal } from "./cipher.ts";

/** scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and about 0.1 s, once per file per run. */
const SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;
const CHECK_PLAINTEXT = "slipway key check";
const CHECK_AAD = "slipway/key-check";

export const Encryption = z.discriminatedUnion("kdf", [
  z.object({
    kdf: z.literal("scrypt"),
    salt: z.string(),
    n: z.number().int().positive(),
    r: z.number().int().positive(),
    p: z.number().int().positive(),
    check: z.string(),
  }),
  z.object({ kdf: z.literal("key-file"), keyId: z.string(), check: z.string() }),
]);
export type Encryption = z.infer<typeof Encryption>;

export interface KeySettings {
  passphrase?: string;
  keyFile: string;
  /** Named by SLIPWAY_KEY_FILE (then it must exist when a file needs it) or the default. */
  keyFileFromEnv: boolean;
}

export function keySettings(env: NodeJS.ProcessEnv, stackDir: string): KeySettings {
  const passphrase = env.SLIPWAY_PASSPHRASE || undefined;
  if (env.SLIPWAY_KEY_FILE) {
    return { passphrase, keyFile: resolve(env.SLIPWAY_KEY_FILE), keyFileFromEnv: true };
  }
  return { passphrase, keyFile: join(stackDir, ".slipway", "key"), keyFileFromEnv: false };
}

const keyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

export class Keyring {
  private readonly derived = new Map<string, Buffer>();
  private fresh: { header: Encryption; key: Buffer } | undefined;
  readonly settings: KeySettings;
  /** Told when a key file is created, so the user learns to keep it. */
  private readonly onKeyFileCreated: (path: string) => void;

  constructor(settings: KeySettings, onKeyFileCreated: (path: string) => void = () => undefined) {
    this.settings = settings;
    this.onKeyFileCreated = onKeyFileCreated;
  }

  /** The key a file was encrypted with; `file` names it in errors. */
  unlock(header: Encryption, file: string): Buffer {
    const key = header.kdf === "scrypt" ? this.passphraseKey(header, file) : this.fileKey(header, file);
    try {
      open(key, header.check, CHECK_AAD);
    } catch (error) {
      if (!(error instanceof DecryptError)) throw error;
      throw header.kdf === "scrypt"
        ? new UsageError(
            `cannot decrypt ${file}: SLIPWAY_PASSPHRASE is not the passphrase it was encrypted with`,
            {
              hint: "Set SLIPWAY_PASSPHRASE to the passphrase used when the file was written (check for a trailing space or newline).",
            },
          )
        : new UsageError(
            `cannot decrypt ${file}: it was encrypted with key ${header.keyId}, but ${this.settings.keyFile} holds key ${keyId(key)}`,
            { hint: "Point SLIPWAY_KEY_FILE at the key file it was made with (a copy of .slipway/key)." },
          );
    }
    return key;
  }

  /** The header and key for a file written for the first time: the passphrase if set, else the key file. */
  forNewFile(): { header: Encryption; key: Buffer } {
    if (this.fresh) return this.fresh;
    const { passphrase } = this.settings;
    if (passphrase !== undefined) {
      const salt = randomBytes(16).toString("base64");
      const key = derive(passphrase, salt, SCRYPT);
      this.derived.set(salt, key);
      this.fresh = { header: { kdf: "scrypt", salt, ...SCRYPT, check: check(key) }, key };
    } else {
      const key = this.readKeyFile(true);
      this.fresh = { header: { kdf: "key-file", keyId: keyId(key), check: check(key) }, key };
    }
    return this.fresh;
  }

  private passphraseKey(header: Extract<Encryption, { kdf: "scrypt" }>, file: string): Buffer {
    const { passphrase } = this.settings;
    if (passphrase === undefined) {
      throw new UsageError(`${file} is encrypted with a passphrase, and SLIPWAY_PASSPHRASE is not set`, {
        hint: "Export SLIPWAY_PASSPHRASE with the passphrase it was written with.",
      });
    }
    let key = this.derived.get(header.salt);
    if (!key) {
      key = derive(passphrase, header.salt, header);
      this.derived.set(header.salt, key);
    }
    return key;
  }

  private fileKey(header: Extract<Encryption, { kdf: "key-file" }>, file: string): Buffer {
    if (!existsSync(this.settings.keyFile)) {
      throw new UsageError(
        `${file} is encrypted with key ${header.keyId}, and the key file ${this.settings.keyFile} does not exist`,
        { hint: "Copy the key file it was made with there, or point SLIPWAY_KEY_FILE at it." },
      );
    }
    return this.readKeyFile(false);
  }

  private readKeyFile(createIfMissing: boolean): Buffer {
    const path = this.settings.keyFile;
    if (!existsSync(path)) {
      if (!createIfMissing || this.settings.keyFileFromEnv) {
        throw new UsageError(`SLIPWAY_KEY_FILE: ${path} does not exist`, {
          hint: `Create one with: head -c 32 /dev/urandom | base64 > ${path} && chmod 600 ${path}`,
        });
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      this.onKeyFileCreated(path);
    }
    if (statSync(path).isDirectory()) throw new UsageError(`key file ${path} is a directory`);
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
    if (key.length !== 32) {
      throw new UsageError(
        `key file ${path} does not hold a key: expected 32 bytes in base64 (44 characters)`,
        {
          hint: `Restore the right key file, or point SLIPWAY_KEY_FILE at it.`,
        },
      );
    }
    return key;
  }
}

function derive(passphrase: string, salt: string, cost: { n: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase, Buffer.from(salt, "base64"), 32, {
    N: cost.n,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * cost.n * cost.r + 1024 * 1024,
  });
}

function check(key: Buffer): string {
  return seal(key, CHECK_PLAINTEXT, CHECK_AAD);
}
