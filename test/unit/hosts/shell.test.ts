// Shared host shell snippets, run through a real sh where they touch only a temp dir.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  aptInstall,
  decodeFile,
  emitFile,
  enableService,
  parseProbe,
  rootScript,
  serviceAction,
  writeFile,
} from "../../../src/hosts/shell.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const sh = (script: string) => execFileSync("sh", ["-c", `set -e\n${script}`], { encoding: "utf8" });

describe("writeFile and emitFile", () => {
  it("write any content byte for byte and read it back through a probe", () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-shell-"));
    dirs.push(dir);
    const path = join(dir, "sub", "it's here.conf");
    const content = "line 'one'\n$(reboot) `x` \"quoted\"\n\ttabbed\n";
    sh(writeFile(path, content, "600"));
    expect(readFileSync(path, "utf8")).toBe(content);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const fields = parseProbe(sh(`${emitFile("file", path)}\n${emitFile("none", join(dir, "missing"))}`));
    expect(decodeFile(fields, "file")).toBe(content);
    expect(decodeFile(fields, "none")).toBeNull();
  });
});

describe("parseProbe", () => {
  it("keeps everything after the first = and ignores other lines", () => {
    const fields = parseProbe("a=1\nnoise\nb=x=y \nempty=\n");
    expect([...fields]).toEqual([
      ["a", "1"],
      ["b", "x=y"],
      ["empty", ""],
    ]);
  });
});

describe("service control", () => {
  it.each([
    [serviceAction("reload", "ssh"), "systemctl reload ssh", "service ssh reload"],
    [
      enableService("fail2ban", "restart"),
      "systemctl enable --quiet fail2ban && systemctl restart fail2ban",
      "service fail2ban restart",
    ],
  ])("uses systemctl under systemd and the init script elsewhere: %s", (script, systemd, sysv) => {
    expect(script).toMatch(/^if \[ -d \/run\/systemd\/system \]; then /);
    expect(script).toContain(systemd);
    expect(script).toContain(sysv);
  });
});

describe("aptInstall", () => {
  it("installs only what dpkg does not list as installed, with a lock timeout", () => {
    const script = aptInstall(["ufw", "fail2ban"]);
    expect(script).toContain("for p in ufw fail2ban; do dpkg-query");
    expect(script).toContain("install -y --no-install-recommends $missing");
    expect(script).toContain("DPkg::Lock::Timeout=600");
    expect(script).toMatch(/if \[ -n "\$missing" \]; then/);
  });

  it("is a no-op for no packages", () => {
    expect(aptInstall([])).toBe("true");
  });
});

describe("rootScript", () => {
  it("runs the whole script under one sh with errexit", () => {
    expect(rootScript("a\nb")).toEqual(["sh", "-c", "set -e\na\nb"]);
  });
});
