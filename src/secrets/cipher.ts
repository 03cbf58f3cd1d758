/**
 * Secret handling: encryption of secret values, the key they are encrypted with, the encrypted secrets
 * file, and masking of secret values in everything slipway prints.
 *
 * This file is the cipher: AES-256-GCM with a fresh 96-bit nonce per value, and associated data that
 * names where the value belongs (a secret's name, a path in state), so a ciphertext moved elsewhere
 * fails to decrypt instead of decrypting to the wrong thing. A sealed value is a plain string,
 * `slipway:v1:<base64url(nonce | ciphertext | tag)>`, so it fits wherever the plaintext string did.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const PREFIX = "slipway:v1:";
const NONCE = 12;
const TAG = 16;

export class DecryptError extends Error {}

export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

export function seal(key: Buffer, plaintext: string, aad: string): string {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
}

/** Throws DecryptError when the key is wrong, the value was altered, or it belongs elsewhere (aad). */
export function open(key: Buffer, sealed: string, aad: string): string {
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
  if (!sealed.startsWith(PREFIX) || raw.length < NONCE + TAG) throw new DecryptError("not a sealed value");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(raw.subarray(raw.length - TAG));
  try {
    return Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new DecryptError("authentication failed");
  }
}
