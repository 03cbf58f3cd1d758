import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";
import { RecordingLoadBalancerDriver, RecordingVolumeDriver } from "../../support/recording-drivers.ts";

// The official Hetzner CLI (Debian's hcloud-cli) managing load balancers and volumes in the emulator.
const HCLOUD = "/usr/bin/hcloud";
const run = promisify(execFile);

let emu: TestEmulator;
let lbs: RecordingLoadBalancerDriver;
let volumes: RecordingVolumeDriver;
let dir: string;
let serverId: number;
beforeAll(async () => {
  lbs = new RecordingLoadBalancerDriver();
  volumes = new RecordingVolumeDriver();
  emu = await startTestEmulator({ loadBalancerDriver: lbs, volumeDriver: volumes });
  dir = mkdtempSync(join(tmpdir(), "slipway-hcloud-"));
  writeFileSync(join(dir, "cli.toml"), "");
  const res = await emu.api("POST", "/servers", {
    name: "web-1",
    server_type: "cx22",
    image: "debian-12",
    location: "fsn1",
    labels: { role: "web" },
  });
  serverId = res.body.server.id;
  await emu.settle(res.body.action.id);
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

describe("hcloud load-balancer", () => {
  it("creates a load balancer with a service and targets", async () => {
    expect(
      await hcloud("load-balancer", "create", "--name", "lb-1", "--type", "lb11", "--location", "fsn1"),
    ).toMatch(/^LoadBalancer \d+ created\nIPv4: 127\.0\.3\.2\n/);
    await hcloud(
      "load-balancer",
      "add-service",
      "lb-1",
      "--protocol",
      "http",
      "--listen-port",
      "80",
      "--destination-port",
      "8080",
      "--http-sticky-sessions",
    );
    await hcloud("load-balancer", "add-target", "lb-1", "--server", "web-1");
    await hcloud("load-balancer", "add-target", "lb-1", "--label-selector", "role=web");
    await hcloud("load-balancer", "change-algorithm", "lb-1", "--algorithm-type", "least_connections");
    const [lb] = (await emu.api("GET", "/load_balancers?name=lb-1")).body.load_balancers;
    expect(lbs.specs.get(lb.id)).toMatchObject({
      algorithm: "least_connections",
      services: [
        { protocol: "http", listen_port: 80, destination_port: 8080, http: { sticky_sessions: true } },
      ],
      targets: [{ key: `server:${serverId}`, address: "127.0.1.2" }],
    });
  });

  it("lists load balancers as JSON and describes one", async () => {
    const list = JSON.parse(await hcloud("load-balancer", "list", "-o", "json"));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      name: "lb-1",
      public_net: { enabled: true, ipv4: { ip: "127.0.3.2" } },
      load_balancer_type: { name: "lb11" },
      algorithm: { type: "least_connections" },
    });
    const described = await hcloud("load-balancer", "describe", "lb-1");
    for (const text of ["Name:\t\t\t\tlb-1", "127.0.3.2", "least_connections", "role=web", "web-1"])
      expect(described).toContain(text);
  });

  it("removes a target and a service, then deletes the load balancer", async () => {
    await hcloud("load-balancer", "remove-target", "lb-1", "--label-selector", "role=web");
    await hcloud("load-balancer", "delete-service", "lb-1", "--listen-port", "80");
    expect(await hcloud("load-balancer", "delete", "lb-1")).toBe("Load Balancer lb-1 deleted\n");
    expect(await hcloud("load-balancer", "list", "-o", "noheader")).toBe("");
  });

  it("lists load balancer types", async () => {
    const types = await hcloud("load-balancer-type", "list", "-o", "noheader", "-o", "columns=name");
    expect(types.split("\n").filter(Boolean)).toEqual(["lb11", "lb21", "lb31"]);
  });
});

describe("hcloud volume", () => {
  it("creates, attaches, resizes, detaches and deletes a volume", async () => {
    const created = await hcloud(
      "volume",
      "create",
      "--name",
      "data",
      "--size",
      "10",
      "--server",
      "web-1",
      "--automount",
      "--format",
      "xfs",
    );
    expect(created).toMatch(/attached to server \d+ \.\.\. done\nVolume \d+ created\n$/);
    const [volume] = JSON.parse(await hcloud("volume", "list", "-o", "json"));
    expect(volume).toMatchObject({
      name: "data",
      size: 10,
      server: serverId,
    });
    // The CLI's JSON leaves out format and status; the API has them.
    expect((await emu.api("GET", `/volumes/${volume.id}`)).body.volume).toMatchObject({
      format: "xfs",
      status: "available",
    });
    expect(await hcloud("volume", "describe", "data")).toContain(
      `Linux Device:\t/dev/disk/by-id/scsi-0HC_Volume_${volume.id}`,
    );
    await hcloud("volume", "resize", "data", "--size", "20");
    await hcloud("volume", "detach", "data");
    await hcloud("volume", "attach", "data", "--server", "web-1");
    await hcloud("volume", "detach", "data");
    expect(await hcloud("volume", "delete", "data")).toBe("Volume data deleted\n");
    expect(volumes.calls).toEqual([
      `create ${volume.id} xfs`,
      `attach ${volume.id} ${serverId}`,
      `detach ${volume.id}`,
      `attach ${volume.id} ${serverId}`,
      `detach ${volume.id}`,
      `destroy ${volume.id}`,
    ]);
  });
});
