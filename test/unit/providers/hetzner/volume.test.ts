// hetzner.volume against the in-process emulator: grow in place, refuse to shrink, move between servers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../../src/providers/hetzner/client.ts";
import { type VolumeInput, volume } from "../../../../src/providers/hetzner/volume.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let ctx: { hetzner: ReturnType<typeof createHetznerClient> };
const servers: number[] = [];
beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
  for (const name of ["db-1", "db-2"]) {
    const res = await emu.api("POST", "/servers", {
      name,
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
    });
    servers.push(res.body.server.id);
    await emu.settle(res.body.action.id);
  }
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

function mutations(): string[] {
  const calls = emu.exchanges
    .filter((e) => e.method !== "GET")
    .map((e) => `${e.method} ${e.path.replace(/^\/v1/, "").replace(/\/\d+/g, "/N")}`);
  emu.exchanges.length = 0;
  return calls;
}

const want = (): VolumeInput => ({
  name: "shop-data-db-1",
  size: 10,
  format: "ext4",
  server: servers[0]!,
  location: "fsn1",
  automount: false,
  labels: { "slipway/stack": "shop", "slipway/resource": "volume.data.db-1" },
});

describe("hetzner.volume", () => {
  let id: number;

  it("creates the volume attached to its server in one call, and finds it by its labels", async () => {
    mutations();
    const created = await volume.create(ctx, want());
    id = created.id;
    expect(mutations()).toEqual(["POST /volumes"]);
    expect(created).toMatchObject({ size: 10, format: "ext4", server: servers[0], location: "fsn1" });
    expect(created.linuxDevice).toBe(`/dev/disk/by-id/scsi-0HC_Volume_${id}`);
    expect(volume.diff(want(), created)).toEqual([]);
    expect(await volume.find?.(ctx, want())).toEqual(created);
  });

  it("grows in place and moves to another server by detach and attach", async () => {
    const have = (await volume.read(ctx, String(id), want()))!;
    const next = { ...want(), size: 20, server: servers[1]! };
    const changes = volume.diff(next, have);
    expect(changes.map((c) => [c.path, c.forcesReplace])).toEqual([
      ["size", false],
      ["server", false],
    ]);
    mutations();
    const updated = await volume.update(ctx, have, next, changes);
    expect(mutations()).toEqual([
      "POST /volumes/N/actions/resize",
      "POST /volumes/N/actions/detach",
      "POST /volumes/N/actions/attach",
    ]);
    expect(updated).toMatchObject({ size: 20, server: servers[1] });
  });

  it("attaches to a replacement server without detaching when the old server took the volume with it", async () => {
    const res = await emu.api("POST", "/servers", {
      name: "db-3",
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
    });
    await emu.settle(res.body.action.id);
    const have = (await volume.read(ctx, String(id), want()))!;
    const gone = await emu.api("DELETE", `/servers/${have.server}`);
    await emu.settle(gone.body.action.id);
    const next = { ...want(), size: 20, server: res.body.server.id as number };
    mutations();
    const updated = await volume.update(ctx, have, next, volume.diff(next, have));
    expect(mutations()).toEqual(["POST /volumes/N/actions/attach"]);
    expect(updated.server).toBe(res.body.server.id);
    servers[1] = res.body.server.id;
  });

  it("refuses to shrink, naming the field and the sizes, before calling the API", async () => {
    const have = (await volume.read(ctx, String(id), want()))!;
    const smaller = { ...want(), size: 10, server: servers[1]! };
    mutations();
    await expect(volume.update(ctx, have, smaller, volume.diff(smaller, have))).rejects.toThrow(
      "size of volume shop-data-db-1: cannot shrink from 20 GB to 10 GB",
    );
    expect(mutations()).toEqual([]);
  });

  it("replaces for another format, which the API cannot change", () => {
    const have = {
      id: 1,
      name: "v",
      size: 10,
      format: "ext4",
      server: null,
      location: "fsn1",
      linuxDevice: "",
      labels: {},
    };
    const changes = volume.diff({ ...want(), name: "v", labels: {}, server: null, format: "xfs" }, have);
    expect(changes).toEqual([
      { path: "format", from: "ext4", to: "xfs", forcesReplace: true, sensitive: undefined },
    ]);
  });

  it("detaches before deleting, and treats an already deleted volume as done", async () => {
    const have = (await volume.read(ctx, String(id), want()))!;
    mutations();
    await volume.delete(ctx, have);
    expect(mutations()).toEqual(["POST /volumes/N/actions/detach", "DELETE /volumes/N"]);
    await volume.delete(ctx, have);
    expect(await volume.read(ctx, String(id), want())).toBeNull();
  });
});
