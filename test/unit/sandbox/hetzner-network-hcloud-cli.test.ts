import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";

// The official Hetzner CLI (Debian's hcloud-cli) driving networks, firewalls, placement groups and
// primary IPs of the emulator unchanged, through HCLOUD_ENDPOINT.
const HCLOUD = "/usr/bin/hcloud";
const run = promisify(execFile);

let emu: TestEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), "slipway-hcloud-net-"));
  writeFileSync(join(dir, "cli.toml"), "");
  const ssh = { direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0"] };
  writeFileSync(join(dir, "rules.json"), JSON.stringify([ssh]));
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function hcloud(...args: string[]): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? "",
    HCLOUD_ENDPOINT: emu.url,
    HCLOUD_TOKEN: TOKEN,
    HCLOUD_CONFIG: join(dir, "cli.toml"),
  };
  return (await run(HCLOUD, ["--poll-interval", "20ms", ...args], { env, timeout: 20_000 })).stdout;
}

async function hcloudFails(...args: string[]): Promise<string> {
  try {
    await hcloud(...args);
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error(`hcloud ${args.join(" ")} succeeded`);
}

describe("the hcloud CLI on networks, firewalls, placement groups and primary IPs", () => {
  let networkId: string;
  let firewallId: string;

  it("creates a network, a subnet and a route", async () => {
    const created = await hcloud("network", "create", "--name", "net1", "--ip-range", "10.0.0.0/16");
    networkId = /^Network (\d+) created\n$/.exec(created)?.[1] ?? "";
    expect(networkId).not.toBe("");
    expect(
      await hcloud(
        "network",
        "add-subnet",
        "net1",
        "--network-zone",
        "eu-central",
        "--type",
        "cloud",
        "--ip-range",
        "10.0.1.0/24",
      ),
    ).toBe(`Subnet added to network ${networkId}\n`);
    expect(
      await hcloud("network", "add-route", "net1", "--destination", "10.100.0.0/24", "--gateway", "10.0.1.5"),
    ).toBe(`Route added to network ${networkId}\n`);
  });

  it("lists and describes the network", async () => {
    expect(await hcloud("network", "list", "-o", "noheader", "-o", "columns=name,ip_range")).toBe(
      "net1   10.0.0.0/16\n",
    );
    const described = await hcloud("network", "describe", "net1");
    for (const line of [
      "IP Range:\t10.0.0.0/16",
      "    IP Range:\t\t10.0.1.0/24",
      "    Gateway:\t\t10.0.0.1",
      "  - Destination:\t10.100.0.0/24",
    ])
      expect(described).toContain(line);
  });

  it("creates a firewall from a rules file and adds a rule", async () => {
    const created = await hcloud(
      "firewall",
      "create",
      "--name",
      "fw1",
      "--rules-file",
      join(dir, "rules.json"),
    );
    firewallId = /^Firewall (\d+) created\n$/.exec(created)?.[1] ?? "";
    expect(firewallId).not.toBe("");
    expect(
      await hcloud(
        "firewall",
        "add-rule",
        "fw1",
        "--direction",
        "in",
        "--protocol",
        "tcp",
        "--port",
        "80",
        "--source-ips",
        "0.0.0.0/0",
      ),
    ).toBe(`Firewall Rules for Firewall ${firewallId} updated\n`);
  });

  it("creates a server on the network, behind the firewall, in a placement group", async () => {
    expect(await hcloud("placement-group", "create", "--name", "pg1", "--type", "spread")).toMatch(
      /^Placement group \d+ created\n$/,
    );
    const out = await hcloud(
      "server",
      "create",
      "--name",
      "web-1",
      "--type",
      "cx22",
      "--image",
      "debian-12",
      "--network",
      "net1",
      "--firewall",
      "fw1",
      "--placement-group",
      "pg1",
      "--label",
      "role=web",
    );
    expect(out).toContain("Private Networks:\n\t- 10.0.1.1 (net1)\n");
    const server = JSON.parse(await hcloud("server", "describe", "web-1", "-o", "json"));
    expect(server.private_net).toMatchObject([{ ip: "10.0.1.1" }]);
    expect(server.public_net.firewalls).toEqual([{ id: Number(firewallId), status: "applied" }]);
    expect(server.placement_group).toMatchObject({ name: "pg1" });
  });

  it("applies the firewall by label selector and describes it", async () => {
    expect(
      await hcloud(
        "firewall",
        "apply-to-resource",
        "fw1",
        "--type",
        "label_selector",
        "--label-selector",
        "role=web",
      ),
    ).toBe(`Firewall ${firewallId} applied\n`);
    expect(await hcloud("firewall", "list", "-o", "noheader")).toMatch(
      /fw1\s+2 Rules\s+1 Server \| 1 Label Selector\n$/,
    );
    const described = await hcloud("firewall", "describe", "fw1");
    for (const line of ["    Port:\t\t80", "    Server Name:\tweb-1", "    Label Selector:\trole=web"])
      expect(described).toContain(line);
  });

  it("lists the server's primary IP", async () => {
    const ips = JSON.parse(await hcloud("primary-ip", "list", "-o", "json"));
    expect(ips).toMatchObject([{ type: "ipv4", ip: "127.0.1.2", auto_delete: true }]);
  });

  it("refuses deleting an applied firewall, then deletes it once removed", async () => {
    expect(await hcloudFails("firewall", "delete", "fw1")).toContain("resource_in_use");
    await hcloud("firewall", "remove-from-resource", "fw1", "--type", "server", "--server", "web-1");
    await hcloud(
      "firewall",
      "remove-from-resource",
      "fw1",
      "--type",
      "label_selector",
      "--label-selector",
      "role=web",
    );
    expect(await hcloud("firewall", "delete", "fw1")).toBe("firewall fw1 deleted\n");
    expect(await hcloud("firewall", "list", "-o", "noheader")).toBe("");
  });

  it("detaches the server and deletes the network", async () => {
    await hcloud("server", "detach-from-network", "web-1", "--network", "net1");
    expect((await emu.api("GET", `/networks/${networkId}`)).body.network.servers).toEqual([]);
    expect(await hcloud("network", "delete", "net1")).toMatch(/^Network net1 deleted\n$/i);
    expect(await hcloud("network", "list", "-o", "noheader")).toBe("");
  });
});
