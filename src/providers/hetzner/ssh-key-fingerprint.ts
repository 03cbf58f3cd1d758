/** The fingerprint Hetzner shows for an SSH key: MD5 of the key blob, as colon-separated hex. */
import { createHash } from "node:crypto";

export function sshKeyFingerprint(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob) throw new Error("not an OpenSSH public key (expected 'type base64 [comment]')");
  const digest = createHash("md5").update(Buffer.from(blob, "base64")).digest("hex");
  return digest.match(/../g)!.join(":");
}
