import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";
import { KEYS } from "../../support/ssh-keys.ts";

// The official Hetzner CLI (Debian's hcloud-cli) driving the emulator unchanged, through HCLOUD_ENDPOINT.
const HCLOUD = "/usr/bin/hcloud";
const run = promisify(execFile);

let emu: TestEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), "slipway-hcloud-"));
  writeFileSync(join(dir, "cli.toml"), "");
  writeFileSync(join(dir, "deploy.pub"), `${KEYS.ed25519.publicKey}\n`);
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function hcloud(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? "",
    HCLOUD_ENDPOINT: emu.url,
    HCLOUD_TOKEN: TOKEN,
    HCLOUD_CONFIG: join(dir, "cli.toml"),
  };
  return run(HCLOUD, ["--poll-interval", "20ms", ...args], { env, timeout: 20_000 });
}

describe("the hcloud CLI against the emulator", () => {
  let serverId: number;

  it("creates an SSH key", async () => {
    const { stdout } = await hcloud(
      "ssh-key",
      "create",
      "--name",
      "deploy",
      "--public-key-from-file",
      join(dir, "deploy.pub"),
    );
    expect(stdout).toMatch(/^SSH key \d+ created\n$/);
    const list = await hcloud("ssh-key", "list", "-o", "noheader", "-o", "columns=name,fingerprint");
    expect(list.stdout.trim().split(/\s+/)).toEqual(["deploy", KEYS.ed25519.fingerprint]);
  });

  it("creates a server and waits for it to start", async () => {
    const { stdout } = await hcloud(
      "server",
      "create",
      "--name",
      "web-1",
      "--type",
      "cx22",
      "--image",
      "debian-12",
      "--location",
      "fsn1",
      "--ssh-key",
      "deploy",
    );
    const match = /Server (\d+) created\nIPv4: 127\.0\.1\.2\n/.exec(stdout);
    expect(match, stdout).not.toBeNull();
    serverId = Number(match?.[1]);
    expect(emu.driver.machines.get(serverId)?.spec.rootSshKeys).toEqual([KEYS.ed25519.publicKey]);
  });

  it("lists servers as JSON", async () => {
    const servers = JSON.parse((await hcloud("server", "list", "-o", "json")).stdout);
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({
      id: serverId,
      name: "web-1",
      status: "running",
      public_net: { ipv4: { ip: "127.0.1.2" } },
      server_type: { name: "cx22" },
      datacenter: { name: "fsn1-dc14", location: { name: "fsn1" } },
      image: { name: "debian-12" },
    });
  });

  it("describes the server", async () => {
    const { stdout } = await hcloud("server", "describe", "web-1");
    for (const line of [
      `ID:\t\t${serverId}`,
      "Name:\t\tweb-1",
      "Status:\t\trunning",
      "Server Type:\tcx22 (ID: 104)",
      "IP:\t\t127.0.1.2",
      "Name:\t\tfsn1-dc14",
    ]) {
      expect(stdout).toContain(line);
    }
  });

  it("powers the server off and on", async () => {
    expect((await hcloud("server", "poweroff", "web-1")).stdout).toBe(`Server ${serverId} stopped\n`);
    expect((await emu.api("GET", `/servers/${serverId}`)).body.server.status).toBe("off");
    expect((await hcloud("server", "poweron", "web-1")).stdout).toBe(`Server ${serverId} started\n`);
    expect((await emu.api("GET", `/servers/${serverId}`)).body.server.status).toBe("running");
  });

  it("deletes the server and the SSH key", async () => {
    expect((await hcloud("server", "delete", "web-1")).stdout).toBe("Server web-1 deleted\n");
    expect((await hcloud("ssh-key", "delete", "deploy")).stdout).toBe("SSH Key deploy deleted\n");
    for (let i = 0; i < 100 && emu.driver.machines.has(serverId); i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(emu.driver.effects()).toEqual([
      `create ${serverId}`,
      `powerOff ${serverId}`,
      `powerOn ${serverId}`,
      `destroy ${serverId}`,
    ]);
    expect((await hcloud("ssh-key", "list", "-o", "noheader")).stdout).toBe("");
  });

  it("reads the catalog", async () => {
    const types = (await hcloud("server-type", "list", "-o", "noheader", "-o", "columns=name")).stdout
      .split("\n")
      .filter(Boolean);
    expect(types).toEqual([
      "cx11",
      "cx21",
      "cx31",
      "cpx11",
      "cpx21",
      "cpx31",
      "cax11",
      "cx22",
      "cx32",
      "cx42",
      "cx52",
    ]);
    const locations = (await hcloud("location", "list", "-o", "noheader", "-o", "columns=name")).stdout
      .split("\n")
      .filter(Boolean);
    expect(locations).toEqual(["fsn1", "nbg1", "hel1", "ash", "hil"]);
    expect((await hcloud("image", "describe", "ubuntu-24.04")).stdout).toContain("OS version:\t24.04");
  });
});
