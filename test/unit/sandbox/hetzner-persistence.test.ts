import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RESTART_MESSAGE } from "../../../src/sandbox/hetzner/reconcile.ts";
import { startTestEmulator, type TestEmulator, tempDataFile } from "../../support/hetzner-emulator.ts";
import { MemoryDriver } from "../../support/memory-driver.ts";
import { KEYS } from "../../support/ssh-keys.ts";

const running: TestEmulator[] = [];
afterEach(async () => {
  for (const emu of running.splice(0)) {
    await emu.close();
    emu.assertAllValid();
  }
});

async function start(options: Parameters<typeof startTestEmulator>[0]) {
  const emu = await startTestEmulator(options);
  running.push(emu);
  return emu;
}

async function newServer(emu: TestEmulator, name: string): Promise<number> {
  const res = await emu.api("POST", "/servers", { name, server_type: "cx22", image: "debian-12" });
  await emu.settle(res.body.action.id);
  return res.body.server.id;
}

describe("persistence across restarts", () => {
  it("writes after every mutation, reloads objects and sequences, and reconciles with the driver", async () => {
    const dataFile = tempDataFile();
    const driver = new MemoryDriver();
    const a = await start({ dataFile, driver });
    await a.api("POST", "/ssh_keys", { name: "deploy", public_key: KEYS.ed25519.publicKey });
    expect(JSON.parse(readFileSync(dataFile, "utf8")).sshKeys[0].name).toBe("deploy");

    const [stays, offBehind, goneBehind, busy, deleting] = [
      await newServer(a, "stays"),
      await newServer(a, "off-behind"),
      await newServer(a, "gone-behind"),
      await newServer(a, "busy"),
      await newServer(a, "deleting"),
    ];
    const releasePowerOff = driver.hold("powerOff");
    const releaseDestroy = driver.hold("destroy");
    const poweroff = (await a.api("POST", `/servers/${busy}/actions/poweroff`)).body.action;
    const destroy = (await a.api("DELETE", `/servers/${deleting}`)).body.action;

    await a.close(); // the process "dies" with two actions in flight
    releaseDestroy(); // the machine goes away after the emulator stopped recording
    await new Promise((r) => setTimeout(r, 10));
    (driver.machines.get(offBehind) as { power: string }).power = "off";
    driver.machines.delete(goneBehind);
    expect(readdirSync(dirname(dataFile))).toEqual(["state.json"]); // no temporary file left behind

    const b = await start({ dataFile, driver });
    try {
      const servers = (await b.api("GET", "/servers?sort=id")).body.servers;
      expect(servers.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
        "stays:running",
        "off-behind:off",
        "gone-behind:off",
        "busy:running",
      ]);
      expect(servers[0].id).toBe(stays);
      expect((await b.api("GET", `/actions/${poweroff.id}`)).body.action).toMatchObject({
        status: "error",
        progress: 100,
        error: { code: "action_failed", message: RESTART_MESSAGE },
      });
      expect((await b.api("GET", `/actions/${destroy.id}`)).body.action).toMatchObject({
        status: "success",
        error: null,
      });
      expect((await b.api("GET", "/ssh_keys?name=deploy")).body.ssh_keys).toHaveLength(1);

      const res = await b.api("POST", "/servers", {
        name: "after",
        server_type: "cx22",
        image: "debian-12",
        ssh_keys: ["deploy"],
      });
      expect(res.body.server.id).toBe(deleting + 1);
      expect(res.body.action.id).toBe(destroy.id + 1);
      expect(res.body.server.public_net.ipv4.ip).toBe("127.0.1.7"); // .6 was freed, but allocation continues after it
      await b.settle(res.body.action.id);

      const poweron = (await b.api("POST", `/servers/${goneBehind}/actions/poweron`)).body.action;
      expect(await b.settle(poweron.id)).toMatchObject({
        status: "error",
        error: { code: "action_failed", message: `machine ${goneBehind} does not exist` },
      });
    } finally {
      releasePowerOff();
    }
  });

  it("starts empty without a data file", async () => {
    const a = await start({});
    await a.api("POST", "/ssh_keys", { name: "deploy", public_key: KEYS.ed25519.publicKey });
    await a.close();
    const b = await start({});
    expect((await b.api("GET", "/ssh_keys")).body.ssh_keys).toEqual([]);
  });
});
