/**
 * SSH keys slipway handles: the user's key that logs in to servers, and the host keys slipway generates
 * for each server and presets through user_data, so the very first connection is already verified.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import ssh2 from "ssh2";
import { UsageError } from "../errors.ts";

export interface SshIdentity {
  /** Where the private key came from, for messages. */
  path: string;
  privateKey: string;
  /** "ssh-ed25519 AAAA… slipway" */
  publicKey: string;
}

export function generateHostKey(comment: string): { privateKey: string; publicKey: string } {
  const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment });
  return { privateKey: pair.private, publicKey: pair.public };
}

/** The blob of an OpenSSH public key line ("type base64 comment"), for exact comparison. */
export function publicKeyBlob(publicKey: string): Buffer {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKey.slice(0, 40)}`);
  return Buffer.from(blob, "base64");
}

/** The key slipway logs in with: the stack's ssh.privateKey, else SLIPWAY_SSH_KEY, else ~/.ssh/id_ed25519. */
export function loadIdentity(
  configured: string | undefined,
  baseDir: string,
  env = process.env,
): SshIdentity {
  const source = configured
    ? "ssh.privateKey in the stack"
    : env.SLIPWAY_SSH_KEY
      ? "SLIPWAY_SSH_KEY"
      : "the default";
  const raw = configured ?? env.SLIPWAY_SSH_KEY ?? join(homedir(), ".ssh", "id_ed25519");
  const path = resolve(baseDir, raw.replace(/^~(?=\/)/, homedir()));
  if (!existsSync(path)) {
    throw new UsageError(`SSH private key ${path} (from ${source}) does not exist`, {
      hint: `Create one with: ssh-keygen -t ed25519 -N "" -f ${path}   or point SLIPWAY_SSH_KEY at yours.`,
    });
  }
  const privateKey = readFileSync(path, "utf8");
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new UsageError(`SSH private key ${path} could not be read: ${parsed.message}`, {
      hint: "slipway needs an unencrypted OpenSSH or PEM private key (ed25519, ecdsa or rsa).",
    });
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw new UsageError(`${path} is not a private key`);
  return { path, privateKey, publicKey: `${key.type} ${key.getPublicSSH().toString("base64")} slipway` };
}
