/**
 * Parsing an OpenSSH public key line (`type base64 [comment]`) and computing Hetzner's fingerprint:
 * the MD5 of the decoded key blob as colon-separated hex (`b7:2f:...`), the legacy `ssh-keygen -E md5`
 * form. A key is accepted only if its blob decodes into exactly the fields its type has, the first being
 * the type name of the line, so a truncated or pasted-wrong key is rejected instead of being stored.
 */
import { createHash } from "node:crypto";

/** Key types and how many length-prefixed fields their blob holds, type name included. */
const FIELDS: Readonly<Record<string, number>> = {
  "ssh-rsa": 3,
  "ssh-dss": 5,
  "ssh-ed25519": 2,
  "ecdsa-sha2-nistp256": 3,
  "ecdsa-sha2-nistp384": 3,
  "ecdsa-sha2-nistp521": 3,
  "sk-ssh-ed25519@openssh.com": 3,
  "sk-ecdsa-sha2-nistp256@openssh.com": 4,
};

export interface ParsedPublicKey {
  readonly type: string;
  readonly blob: Buffer;
  readonly comment: string;
  readonly fingerprint: string;
}

/** The length-prefixed fields of an SSH wire-format blob, or null unless they cover it exactly. */
function wireFields(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return null;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return null;
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

export function md5Fingerprint(blob: Buffer): string {
  const hex = createHash("md5").update(blob).digest("hex");
  return hex.match(/../g)?.join(":") ?? hex;
}

/** Parses one public key line; null when it is not a well-formed OpenSSH public key. */
export function parsePublicKey(line: string): ParsedPublicKey | null {
  const [type = "", data = "", ...comment] = line.trim().split(/\s+/);
  const expected = FIELDS[type];
  if (!expected || !/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return null;
  const blob = Buffer.from(data, "base64");
  const fields = wireFields(blob);
  if (fields?.length !== expected || fields[0]?.toString("latin1") !== type) return null;
  return { type, blob, comment: comment.join(" "), fingerprint: md5Fingerprint(blob) };
}
