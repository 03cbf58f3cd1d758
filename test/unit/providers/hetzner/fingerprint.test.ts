// The MD5 fingerprint Hetzner shows for an SSH key, checked against ssh-keygen's own output.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sshKeyFingerprint } from "../../../../src/providers/hetzner/ssh-key-fingerprint.ts";
import { KEYS } from "../../../support/ssh-keys.ts";

describe("sshKeyFingerprint", () => {
  it.each(Object.entries(KEYS))("matches ssh-keygen -l -E md5 for the %s fixture", (_, key) => {
    expect(sshKeyFingerprint(key.publicKey)).toBe(key.fingerprint);
  });

  it.each(["ed25519", "ecdsa", "rsa"])("matches ssh-keygen for a freshly generated %s key", (type) => {
    const file = join(mkdtempSync(join(tmpdir(), "slipway-fp-")), "key");
    const generate = spawnSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "test key", "-f", file]);
    expect(generate.status).toBe(0);
    const listed = spawnSync("ssh-keygen", ["-l", "-E", "md5", "-f", `${file}.pub`], { encoding: "utf8" });
    const expected = /MD5:([0-9a-f:]{47})/.exec(listed.stdout)?.[1];
    expect(expected).toBeDefined();
    expect(sshKeyFingerprint(readFileSync(`${file}.pub`, "utf8"))).toBe(expected);
  });

  it("ignores the comment and surrounding whitespace", () => {
    const [type, blob] = KEYS.ed25519.publicKey.split(" ");
    expect(sshKeyFingerprint(`  ${type}\t${blob}  another comment\n`)).toBe(KEYS.ed25519.fingerprint);
  });

  it.each(["", "ssh-ed25519", "   "])("rejects %j as not an OpenSSH public key", (text) => {
    expect(() => sshKeyFingerprint(text)).toThrow(
      "not an OpenSSH public key (expected 'type base64 [comment]')",
    );
  });
});
