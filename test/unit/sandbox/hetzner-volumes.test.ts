import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator, tempDataFile } from "../../support/hetzner-emulator.ts";
import { RecordingVolumeDriver } from "../../support/recording-drivers.ts";

let emu: TestEmulator;
let volumes: RecordingVolumeDriver;
let serverA: number;
let serverB: number;
let serverUs: number;
beforeAll(async () => {
  volumes = new RecordingVolumeDriver();
  emu = await startTestEmulator({ volumeDriver: volumes });
  serverA = await server("a", "fsn1");
  serverB = await server("b", "fsn1");
  serverUs = await server("us", "ash");
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function server(name: string, location: string): Promise<number> {
  const res = await emu.api("POST", "/servers", { name, server_type: "cpx11", image: "debian-12", location });
  await emu.settle(res.body.action.id);
  return res.body.server.id;
}

async function act(id: number, action: string, body: unknown = {}) {
  const res = await emu.api("POST", `/volumes/${id}/actions/${action}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(await emu.settle(res.body.action.id)).toMatchObject({ status: "success" });
  return res;
}

describe("POST /volumes", () => {
  it("creates a volume attached to a server: create_volume, then attach_volume", async () => {
    const res = await emu.api("POST", "/volumes", {
      name: "pgdata",
      size: 20,
      server: serverA,
      automount: true,
      format: "ext4",
      labels: { role: "db" },
    });
    expect(res.status).toBe(201);
    const volume = res.body.volume;
    expect(volume).toMatchObject({
      name: "pgdata",
      size: 20,
      server: serverA,
      location: { name: "fsn1" },
      linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${volume.id}`,
      protection: { delete: false },
      labels: { role: "db" },
      status: "creating",
      format: "ext4",
    });
    expect(res.body.action).toMatchObject({
      command: "create_volume",
      resources: [{ id: volume.id, type: "volume" }],
    });
    expect(res.body.next_actions).toMatchObject([
      {
        command: "attach_volume",
        resources: [
          { id: volume.id, type: "volume" },
          { id: serverA, type: "server" },
        ],
      },
    ]);
    await emu.settle(res.body.next_actions[0].id);
    expect((await emu.api("GET", `/volumes/${volume.id}`)).body.volume.status).toBe("available");
    expect(volumes.calls).toEqual([`create ${volume.id} ext4`, `attach ${volume.id} ${serverA}`]);
    expect((await emu.api("GET", `/servers/${serverA}`)).body.server.volumes).toEqual([volume.id]);
  });

  it("creates a detached raw volume in a location", async () => {
    const res = await emu.api("POST", "/volumes", { name: "scratch", size: 10, location: "fsn1" });
    expect(res.status).toBe(201);
    expect(res.body.volume).toMatchObject({ server: null, format: null, location: { name: "fsn1" } });
    expect(res.body.next_actions).toEqual([]);
    await emu.settle(res.body.action.id);
    expect(volumes.volumes.get(res.body.volume.id)).toEqual({ format: null, server: null });
  });

  it.each([
    ["too small", { name: "v", size: 9, location: "fsn1" }, 422, "invalid_input"],
    ["too large", { name: "v", size: 10241, location: "fsn1" }, 422, "invalid_input"],
    ["no size", { name: "v", location: "fsn1" }, 422, "invalid_input"],
    ["a bad name", { name: "-v", size: 10, location: "fsn1" }, 422, "invalid_input"],
    ["a taken name", { name: "pgdata", size: 10, location: "fsn1" }, 409, "uniqueness_error"],
    ["an unknown format", { name: "v", size: 10, location: "fsn1", format: "btrfs" }, 422, "invalid_input"],
    ["neither location nor server", { name: "v", size: 10 }, 422, "invalid_input"],
    [
      "automount without server",
      { name: "v", size: 10, location: "fsn1", automount: true },
      422,
      "invalid_input",
    ],
    ["an unknown server", { name: "v", size: 10, server: 42 }, 422, "invalid_input"],
    ["an unknown location", { name: "v", size: 10, location: "mars1" }, 422, "invalid_input"],
  ])("refuses %s", async (_, body, status, code) => {
    const res = await emu.api("POST", "/volumes", body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it("refuses a server in another location than the one given", async () => {
    const res = await emu.api("POST", "/volumes", {
      name: "v",
      size: 10,
      location: "fsn1",
      server: serverUs,
    });
    expect(res.body.error.code).toBe("invalid_input");
  });
});

describe("volume actions", () => {
  const byName = async (name: string) => (await emu.api("GET", `/volumes?name=${name}`)).body.volumes[0];

  it("moves a volume from one server to another", async () => {
    const volume = await byName("pgdata");
    const busy = await emu.api("POST", `/volumes/${volume.id}/actions/attach`, { server: serverB });
    expect(busy.status).toBe(422);
    expect(busy.body.error.code).toBe("volume_already_attached");
    volumes.calls.length = 0;
    const detached = await act(volume.id, "detach");
    expect(detached.body.action).toMatchObject({
      command: "detach_volume",
      resources: [
        { id: volume.id, type: "volume" },
        { id: serverA, type: "server" },
      ],
    });
    expect((await byName("pgdata")).server).toBeNull();
    await act(volume.id, "attach", { server: serverB, automount: true });
    expect((await byName("pgdata")).server).toBe(serverB);
    expect(volumes.calls).toEqual([`detach ${volume.id}`, `attach ${volume.id} ${serverB}`]);
    expect((await emu.api("GET", `/servers/${serverA}`)).body.server.volumes).toEqual([]);
  });

  it.each([
    ["attach", "to a server in another location", () => ({ server: serverUs }), 422, "invalid_input"],
    ["attach", "to an unknown server", () => ({ server: 7 }), 422, "invalid_input"],
    ["detach", "a detached volume", () => ({}), 422, "invalid_input"],
    ["resize", "to a smaller size", () => ({ size: 5 }), 422, "invalid_input"],
    ["resize", "to the same size", () => ({ size: 10 }), 422, "invalid_input"],
    ["resize", "past 10 TB", () => ({ size: 10241 }), 422, "invalid_input"],
  ])("%s refuses %s", async (action, _, body, status, code) => {
    const scratch = await byName("scratch");
    const res = await emu.api("POST", `/volumes/${scratch.id}/actions/${action}`, body());
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it("grows, protects and renames a volume", async () => {
    const scratch = await byName("scratch");
    const resized = await act(scratch.id, "resize", { size: 50 });
    expect(resized.body.action.command).toBe("resize_volume");
    await act(scratch.id, "change_protection", { delete: true });
    const del = await emu.api("DELETE", `/volumes/${scratch.id}`);
    expect(del.status).toBe(423);
    expect(del.body.error.code).toBe("protected");
    const put = await emu.api("PUT", `/volumes/${scratch.id}`, {
      name: "scratch-2",
      labels: { tier: "cold" },
    });
    expect(put.body.volume).toMatchObject({
      name: "scratch-2",
      size: 50,
      protection: { delete: true },
      labels: { tier: "cold" },
    });
    await act(scratch.id, "change_protection", { delete: false });
  });

  it("refuses to delete an attached volume, deletes a detached one with its storage", async () => {
    const pgdata = await byName("pgdata");
    const attached = await emu.api("DELETE", `/volumes/${pgdata.id}`);
    expect(attached.status).toBe(422);
    const scratch = await byName("scratch-2");
    expect((await emu.api("DELETE", `/volumes/${scratch.id}`)).status).toBe(204);
    for (let i = 0; i < 100 && volumes.volumes.has(scratch.id); i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(volumes.calls.at(-1)).toBe(`destroy ${scratch.id}`);
    expect((await emu.api("GET", `/volumes/${scratch.id}`)).status).toBe(404);
  });

  it("keeps a volume, detached, when its server is deleted", async () => {
    const pgdata = await byName("pgdata");
    await emu.settle((await emu.api("DELETE", `/servers/${serverB}`)).body.action.id);
    expect((await byName("pgdata")).server).toBeNull();
    expect(pgdata.status).toBe("available");
  });

  it("fails the action with the driver's message", async () => {
    const pgdata = await byName("pgdata");
    volumes.failNext("attach", "mount: permission denied");
    const res = await emu.api("POST", `/volumes/${pgdata.id}/actions/attach`, { server: serverA });
    expect(await emu.settle(res.body.action.id)).toMatchObject({
      status: "error",
      error: { code: "action_failed", message: "mount: permission denied" },
    });
    expect((await byName("pgdata")).server).toBeNull();
  });

  it("lists volumes and their actions", async () => {
    await emu.api("POST", "/volumes", { name: "logs", size: 10, location: "ash", labels: { role: "logs" } });
    const list = (await emu.api("GET", "/volumes?sort=name:desc")).body.volumes;
    expect(list.map((v: { name: string }) => v.name)).toEqual(["pgdata", "logs"]);
    const selected = (await emu.api("GET", "/volumes?label_selector=role%3Ddb")).body.volumes;
    expect(selected.map((v: { name: string }) => v.name)).toEqual(["pgdata"]);
    expect((await emu.api("GET", "/volumes?status=deleted")).body.error.code).toBe("invalid_input");
    const pgdata = list[0];
    const actions = (await emu.api("GET", `/volumes/${pgdata.id}/actions?sort=id`)).body.actions;
    expect(actions.map((a: { command: string }) => a.command)).toEqual([
      "create_volume",
      "attach_volume",
      "detach_volume",
      "attach_volume",
      "attach_volume",
    ]);
    const all = (await emu.api("GET", "/volumes/actions?status=error")).body.actions;
    expect(all).toHaveLength(1);
    expect((await emu.api("GET", `/volumes/actions/${all[0].id}`)).body.action.command).toBe("attach_volume");
    const mine = await emu.api("GET", `/volumes/${pgdata.id}/actions/${all[0].id}`);
    expect(mine.body.action.status).toBe("error");
  });
});

describe("volumes across a restart", () => {
  it("restores the attachments of the data file", async () => {
    const file = tempDataFile();
    const first = new RecordingVolumeDriver();
    const before = await startTestEmulator({ dataFile: file, volumeDriver: first });
    const s = (
      await before.api("POST", "/servers", {
        name: "s",
        server_type: "cx22",
        image: "debian-12",
        location: "nbg1",
      })
    ).body;
    await before.settle(s.action.id);
    const v = (await before.api("POST", "/volumes", { name: "v", size: 10, server: s.server.id })).body;
    await before.settle(v.next_actions[0].id);
    await before.close();
    const second = new RecordingVolumeDriver();
    const after = await startTestEmulator({ dataFile: file, volumeDriver: second });
    for (let i = 0; i < 100 && second.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(second.calls).toEqual([`restore ${v.volume.id}@${s.server.id}`]);
    expect((await after.api("GET", `/volumes/${v.volume.id}`)).body.volume).toMatchObject({
      server: s.server.id,
      status: "available",
    });
    before.assertAllValid();
    after.assertAllValid();
    await after.close();
  });
});

describe("volumes given at server create", () => {
  it("attaches them to the new server", async () => {
    const v = (await emu.api("POST", "/volumes", { name: "boot-data", size: 10, location: "hel1" })).body;
    await emu.settle(v.action.id);
    const res = await emu.api("POST", "/servers", {
      name: "with-volume",
      server_type: "cx22",
      image: "debian-12",
      location: "hel1",
      volumes: [v.volume.id],
      automount: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.server.volumes).toEqual([v.volume.id]);
    await emu.settle(res.body.action.id);
    expect(volumes.volumes.get(v.volume.id)?.server).toBe(res.body.server.id);
    const again = await emu.api("POST", "/servers", {
      name: "second",
      server_type: "cx22",
      image: "debian-12",
      location: "hel1",
      volumes: [v.volume.id],
    });
    expect(again.body.error.code).toBe("volume_already_attached");
    const elsewhere = await emu.api("POST", "/volumes", { name: "far", size: 10, location: "nbg1" });
    const wrongPlace = await emu.api("POST", "/servers", {
      name: "third",
      server_type: "cx22",
      image: "debian-12",
      location: "hel1",
      volumes: [elsewhere.body.volume.id],
    });
    expect(wrongPlace.body.error.code).toBe("invalid_input");
  });
});
