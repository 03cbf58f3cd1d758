// Deploy user, fail2ban, unattended upgrades, Docker's daemon.json, time zone, sysctl and swap as data.
import { describe, expect, it } from "vitest";
import { diffDeployUser, keyIdentity, parseDeployUser, sudoersLine } from "../../../src/hosts/deploy-user.ts";
import {
  applyDaemonJson,
  DEFAULT_DOCKER_DAEMON,
  diffDockerEngine,
  mergeDaemonJson,
  observedDaemon,
} from "../../../src/hosts/docker-engine.ts";
import { jailConfig, parseFail2ban } from "../../../src/hosts/fail2ban.ts";
import { diffSwap } from "../../../src/hosts/swap.ts";
import { sysctl, sysctlFile } from "../../../src/hosts/sysctl.ts";
import { canonicalZone } from "../../../src/hosts/timezone.ts";
import { diffUpgrades, PERIODIC_CONFIG, parseUpgrades, rebootConfig } from "../../../src/hosts/upgrades.ts";

const ref = { server: "hetzner.server.web", user: "deploy" };
const b64 = (text: string) => Buffer.from(text).toString("base64");
const SLIPWAY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx8Pf1ZzV3L0r4I9YwqXg0Jm0oKcFq1QmTn0vXb1Uh2 slipway";
const ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN2qYpKJj3cV4Gg0yYb8bQ5sY9aR7m0xVvKx2fZ1Alic alice@laptop";
const MALLORY =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDmallory0000000000000000000000000000000000000000Mall mallory";

describe("host.user", () => {
  it.each([
    [SLIPWAY, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx8Pf1ZzV3L0r4I9YwqXg0Jm0oKcFq1QmTn0vXb1Uh2"],
    [`no-pty,command="echo hi" ${ALICE}`, ALICE.split(" ").slice(0, 2).join(" ")],
    ["# a comment", null],
  ])("identifies %j by type and key material", (line, identity) => {
    expect(keyIdentity(line)).toBe(identity);
  });

  it("names keys to add and keys to remove, ignoring comments", () => {
    const keys = `${SLIPWAY.replace("slipway", "renamed")}\n${MALLORY}\n`;
    const have = parseDeployUser(
      new Map([
        ["exists", "1"],
        ["groups", "deploy sudo"],
        ["sudoers", b64(sudoersLine("deploy"))],
        ["keys", b64(keys)],
      ]),
      ref,
    )!;
    expect(have.sudo).toBe(true);
    expect(diffDeployUser({ ...ref, authorizedKeys: [SLIPWAY, ALICE] }, have)).toEqual([
      {
        path: "authorized_keys",
        from: ["ssh-rsa …0000Mall"],
        to: ["ssh-ed25519 …2fZ1Alic alice@laptop"],
        forcesReplace: false,
      },
    ]);
  });

  it("wants passwordless sudo from slipway's own sudoers file", () => {
    const have = parseDeployUser(
      new Map([
        ["exists", "1"],
        ["groups", "deploy"],
      ]),
      ref,
    )!;
    expect(diffDeployUser({ ...ref, authorizedKeys: [] }, have)).toEqual([
      { path: "sudo", from: "missing", to: "passwordless", forcesReplace: false },
    ]);
    expect(sudoersLine("deploy")).toBe("deploy ALL=(ALL) NOPASSWD:ALL\n");
  });
});

describe("host.fail2ban", () => {
  const want = { ...ref, maxRetry: 5, findTimeSeconds: 600, banTimeSeconds: 3600 };

  it("reads the journal under systemd and auth.log elsewhere", () => {
    expect(jailConfig(want, true)).toContain("backend = systemd\n");
    expect(jailConfig(want, true)).not.toContain("logpath");
    expect(jailConfig(want, false)).toContain("backend = auto\nlogpath = /var/log/auth.log\n");
    expect(jailConfig(want, false)).toContain("maxretry = 5\nfindtime = 600\nbantime = 3600\n");
  });

  it("compares the jail file against the backend the host has", () => {
    const fields = (journal: string, file: string) =>
      new Map([
        ["installed", "1"],
        ["journal", journal],
        ["jail", b64(file)],
        ["running", "1"],
      ]);
    expect(parseFail2ban(fields("0", jailConfig(want, false)), want)?.jail).toBe("written");
    expect(parseFail2ban(fields("1", jailConfig(want, false)), want)?.jail).toBe("modified");
  });
});

describe("host.upgrades", () => {
  it("names a changed reboot policy", () => {
    const want = { ...ref, reboot: true, rebootTime: "04:30" };
    const have = parseUpgrades(
      new Map([
        ["installed", "1"],
        ["periodic", b64(PERIODIC_CONFIG)],
        ["reboot", b64(rebootConfig({ reboot: false, rebootTime: "04:00" }))],
      ]),
      want,
    )!;
    expect(diffUpgrades(want, have)).toEqual([
      { path: "reboot", from: "modified", to: "at 04:30 when needed", forcesReplace: false },
    ]);
  });
});

describe("host.docker daemon.json", () => {
  it("sets rotation and live-restore and keeps keys it does not manage", () => {
    const merged = JSON.parse(
      mergeDaemonJson('{"registry-mirrors":["http://m"],"live-restore":false}', DEFAULT_DOCKER_DAEMON),
    );
    expect(merged).toEqual({
      "registry-mirrors": ["http://m"],
      "live-restore": true,
      "log-driver": "json-file",
      "log-opts": { "max-size": "10m", "max-file": "3" },
    });
  });

  it("refuses to rewrite a file that is not a JSON object", () => {
    expect(() => mergeDaemonJson("[1]", DEFAULT_DOCKER_DAEMON)).toThrow("is not a JSON object");
    expect(observedDaemon("{oops")).toMatchObject({ error: expect.stringContaining("not valid JSON") });
  });

  it("names each managed key that differs", () => {
    const want = { ...ref, daemon: { ...DEFAULT_DOCKER_DAEMON, liveRestore: false } };
    const have = {
      server: ref.server,
      version: "20.10.24",
      ...(observedDaemon('{"log-driver":"json-file"}') as { daemon: Record<string, unknown> }),
    };
    expect(diffDockerEngine(want, have).map((c) => [c.path, c.from, c.to])).toEqual([
      ["daemon.json log-opts", null, { "max-size": "10m", "max-file": "3" }],
      ["daemon.json live-restore", null, false],
    ]);
  });
});

describe("host.timezone, host.sysctl, host.swap", () => {
  it("treats Etc/UTC and UTC as one zone", () => {
    expect(canonicalZone("Etc/UTC")).toBe(canonicalZone("UTC"));
    expect(canonicalZone("Europe/Berlin")).toBe("Europe/Berlin");
  });

  it("compares live kernel values where they can be set, and only the file where they cannot", () => {
    const want = { ...ref, values: { "vm.swappiness": "10", "net.ipv4.ip_local_port_range": "1024 65000" } };
    const file = b64(sysctlFile(want.values));
    const live = sysctl.diff(want, {
      ...ref,
      file: "written",
      live: { "vm.swappiness": "60", "net.ipv4.ip_local_port_range": "1024 65000" },
    });
    expect(live).toEqual([{ path: "vm.swappiness", from: "60", to: "10", forcesReplace: false }]);
    expect(sysctl.diff(want, { ...ref, file: "written", live: null })).toEqual([]);
    expect(sysctlFile(want.values)).toContain(
      "net.ipv4.ip_local_port_range = 1024 65000\nvm.swappiness = 10\n",
    );
    expect(file).not.toBe("");
  });

  it("asks for a swap file of the right size, on and in fstab; nothing in a container", () => {
    const want = { ...ref, sizeMiB: 2048 };
    const have = { ...ref, sizeMiB: 1024, active: true, fstab: false, supported: true };
    expect(diffSwap(want, have).map((c) => [c.path, c.from, c.to])).toEqual([
      ["size", "1024 MiB", "2048 MiB"],
      ["/etc/fstab", "missing", "present"],
    ]);
    expect(diffSwap(want, { ...have, supported: false })).toEqual([]);
  });
});

describe("applyDaemonJson", () => {
  it("reloads first so live-restore is on before any restart, and restarts only for log settings", () => {
    const withRestart = applyDaemonJson("{}\n", true);
    expect(withRestart.indexOf("kill -HUP")).toBeLessThan(withRestart.indexOf("service docker restart"));
    expect(applyDaemonJson("{}\n", false)).not.toContain("restart");
  });
});
