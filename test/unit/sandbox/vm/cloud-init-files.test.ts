// The sandbox's cloud-init subset: write_files, packages, runcmd, unsupported keys; every script parses in bash.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { firstBootScripts } from "../../../../src/sandbox/vm/cloud-init.ts";

const ROOT_KEY = "ssh-ed25519 AAAAroot root@laptop";
const lines = (script: string) => script.split("\n");
const init = (userData: string | null, keys: string[] = []) => lines(firstBootScripts(userData, keys).init);
const final = (userData: string | null, keys: string[] = []) => lines(firstBootScripts(userData, keys).final);

describe("firstBootScripts: files, packages and commands", () => {
  it("writes files before sshd, deferred ones after packages, with mode, owner, encoding and append", () => {
    const userData = [
      "#cloud-config",
      "packages: [curl, jq]",
      "write_files:",
      "  - path: /etc/motd",
      '    content: "it\'s here\\n"',
      "  - path: /opt/a b/run",
      "    encoding: b64",
      "    content: aGVsbG8=",
      '    permissions: "0755"',
      "    owner: app:app",
      "    append: true",
      "  - path: /etc/late.conf",
      "    content: late",
      "    defer: true",
      "  - content: nowhere",
    ].join("\n");
    expect(init(userData).slice(2)).toEqual([
      'install -d "$(dirname /etc/motd)"',
      "printf '%s' 'it'\\''s here",
      "' > /etc/motd",
      "chmod 0644 /etc/motd",
      "install -d \"$(dirname '/opt/a b/run')\"",
      "printf '%s' aGVsbG8= | base64 -d >> '/opt/a b/run'",
      "chmod 0755 '/opt/a b/run'",
      "chown app:app '/opt/a b/run'",
      "echo 'cloud-init: a write_files entry without a path was skipped'",
      "",
    ]);
    expect(final(userData)).toEqual([
      "set -u",
      "apt-get update -q",
      "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl jq",
      'install -d "$(dirname /etc/late.conf)"',
      "printf '%s' late > /etc/late.conf",
      "chmod 0644 /etc/late.conf",
      "",
    ]);
  });

  it("reads unquoted permissions as octal, as cloud-init's YAML 1.1 does", () => {
    const script = init(
      "#cloud-config\nwrite_files:\n  - path: /usr/local/bin/hook\n    content: x\n    permissions: 0755",
    );
    expect(script).toContain("chmod 755 /usr/local/bin/hook");
  });

  it("updates and upgrades packages only when asked", () => {
    expect(final("#cloud-config\npackage_update: true\npackage_upgrade: true")).toEqual([
      "set -u",
      "apt-get update -q",
      "DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q",
      "",
    ]);
    expect(final("#cloud-config\npackages: []")).toEqual(["set -u", ""]);
  });

  it("runs a string command through sh and a list as argv, in order, last", () => {
    const userData =
      '#cloud-config\nruncmd:\n  - echo hi > /tmp/x\n  - [touch, "/tmp/it\'s"]\n  - [sleep, 1]\npackages: [curl]';
    expect(final(userData).slice(-4)).toEqual([
      "sh -c 'echo hi > /tmp/x'",
      "touch '/tmp/it'\\''s'",
      "sleep 1",
      "",
    ]);
  });

  it("reports every key the sandbox does not implement, and no supported one", () => {
    const userData =
      "#cloud-config\ntimezone: UTC\nssh_deletekeys: true\nssh_genkeytypes: []\nbootcmd: [reboot]";
    expect(init(userData).filter((l) => l.startsWith("echo"))).toEqual([
      "echo 'cloud-init key not supported by the sandbox: timezone'",
      "echo 'cloud-init key not supported by the sandbox: bootcmd'",
    ]);
  });
});

describe("generated scripts", () => {
  const everything = [
    "#cloud-config",
    "users: [default, {name: deploy, groups: sudo, sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: [k1]}]",
    "disable_root: true",
    "ssh_pwauth: false",
    'ssh_keys: {ed25519_private: "-----BEGIN-----\\nkey\'with\\"quotes\\n-----END-----", ed25519_public: pub}',
    'write_files: [{path: "/etc/$(reboot)", content: "a\'b\\n`c`"}, {path: /x, content: eA==, encoding: base64, defer: true}]',
    'runcmd: ["echo \'quoted\' && true", [printf, "%s", "$HOME"]]',
    "packages: [curl]",
    "unknown_key: 1",
  ].join("\n");

  it.each([
    ["cloud-config", everything],
    ["a shell script", "#!/bin/bash\necho 'hi'\n"],
    ["nothing", null],
  ])("parse in bash for %s", (_, userData) => {
    const scripts = firstBootScripts(userData, [ROOT_KEY]);
    for (const script of [scripts.init, scripts.final]) {
      const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
      expect(check.stderr).toBe("");
      expect(check.status).toBe(0);
    }
  });
});
