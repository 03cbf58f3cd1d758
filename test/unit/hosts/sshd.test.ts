// host.sshd: the drop-in, what sshd -T reports, the diff it names, and the order of the apply script.
import { describe, expect, it } from "vitest";
import {
  applySshd,
  diffSshd,
  hardenedSshd,
  parseSshd,
  rollbackSshd,
  SSHD_DROP_IN,
  sshdDropIn,
} from "../../../src/hosts/sshd.ts";

const want = { server: "hetzner.server.web", user: "deploy", settings: hardenedSshd("deploy") };
const b64 = (text: string) => Buffer.from(text).toString("base64");

function observed(fields: Record<string, string>) {
  return parseSshd(new Map(Object.entries(fields)), want);
}

describe("sshd drop-in", () => {
  it("turns off root, passwords and keyboard-interactive and allows only the deploy user", () => {
    expect(sshdDropIn(want.settings).split("\n").slice(1)).toEqual([
      "PermitRootLogin no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "AllowUsers deploy",
      "",
    ]);
    expect(SSHD_DROP_IN).toBe("/etc/ssh/sshd_config.d/00-slipway.conf");
  });
});

describe("diffSshd", () => {
  it("names each setting sshd really uses that differs, e.g. PermitRootLogin yes → no", () => {
    const have = observed({
      "sshd.permitrootlogin": "yes",
      "sshd.passwordauthentication": "no",
      "sshd.kbdinteractiveauthentication": "no",
      "sshd.allowusers": "deploy",
      dropIn: b64(sshdDropIn(want.settings)),
    });
    expect(diffSshd(want, have)).toEqual([
      { path: "PermitRootLogin", from: "yes", to: "no", forcesReplace: false },
    ]);
  });

  it("reports a fresh host's defaults and the missing drop-in", () => {
    const have = observed({
      "sshd.permitrootlogin": "without-password",
      "sshd.passwordauthentication": "yes",
      "sshd.kbdinteractiveauthentication": "no",
      dropIn: "",
    });
    expect(diffSshd(want, have).map((c) => [c.path, c.from, c.to])).toEqual([
      ["PermitRootLogin", "without-password", "no"],
      ["PasswordAuthentication", "yes", "no"],
      ["AllowUsers", null, "deploy"],
      [SSHD_DROP_IN, "missing", "written"],
    ]);
  });

  it("sees a hand-edited drop-in even when sshd's values still match", () => {
    const have = observed({
      "sshd.permitrootlogin": "no",
      "sshd.passwordauthentication": "no",
      "sshd.kbdinteractiveauthentication": "no",
      "sshd.allowusers": "deploy",
      dropIn: b64("PermitRootLogin no\n"),
    });
    expect(diffSshd(want, have)).toEqual([
      { path: SSHD_DROP_IN, from: "modified", to: "written", forcesReplace: false },
    ]);
  });
});

describe("applySshd", () => {
  const script = applySshd(want);
  const at = (text: string) => {
    const index = script.indexOf(text);
    expect(index, text).toBeGreaterThanOrEqual(0);
    return index;
  };

  it("keeps the previous drop-in, validates with sshd -t, and only then reloads", () => {
    expect(at(`cp -p ${SSHD_DROP_IN} ${SSHD_DROP_IN}.slipway-previous`)).toBeLessThan(at("base64 -d"));
    expect(at("if ! sshd -t; then")).toBeLessThan(at("systemctl reload ssh"));
    expect(script).toContain("service ssh reload");
  });

  it("comments out competing settings elsewhere only if sshd still does not use ours", () => {
    expect(at("sshd -T | grep -qix 'permitrootlogin no'")).toBeLessThan(at("# disabled by slipway"));
    expect(script).toContain("AllowUsers|ChallengeResponseAuthentication");
  });

  it("rolls back to the previous file and reloads", () => {
    expect(rollbackSshd()).toContain(`mv -f ${SSHD_DROP_IN}.slipway-previous ${SSHD_DROP_IN}`);
    expect(rollbackSshd()).toContain("sshd -t && if");
  });
});
