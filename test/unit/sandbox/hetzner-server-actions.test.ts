import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import type { DriverOp } from "../../support/memory-driver.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function newServer(name: string): Promise<number> {
  const res = await emu.api("POST", "/servers", { name, server_type: "cx22", image: "debian-12" });
  await emu.settle(res.body.action.id);
  return res.body.server.id;
}

const status = async (id: number) => (await emu.api("GET", `/servers/${id}`)).body.server.status;

describe("power actions", () => {
  let id: number;
  beforeAll(async () => {
    id = await newServer("power");
  });

  it.each([
    ["poweroff", "stop_server", "stopping", "off", "powerOff"],
    ["poweron", "start_server", "starting", "running", "powerOn"],
    ["shutdown", "shutdown_server", "stopping", "off", "shutdown"],
    ["poweron", "start_server", "starting", "running", "powerOn"],
    ["reboot", "reboot_server", "running", "running", "reboot"],
    ["reset", "reset_server", "running", "running", "powerOff,powerOn"],
  ])("%s runs %s: %s while running, then %s", async (action, command, during, after, driverOps) => {
    const before = emu.driver.calls.length;
    const release = emu.driver.hold(driverOps.split(",")[0] as DriverOp);
    const res = await emu.api("POST", `/servers/${id}/actions/${action}`);
    expect(res.status).toBe(201);
    expect(res.body.action).toMatchObject({
      command,
      status: "running",
      resources: [{ id, type: "server" }],
    });
    expect(res.body.action.finished).toBeNull();
    expect(await status(id)).toBe(during);
    expect((await emu.api("GET", `/actions/${res.body.action.id}`)).body.action.status).toBe("running");
    release();
    const done = await emu.settle(res.body.action.id);
    expect(done).toMatchObject({ status: "success", progress: 100, error: null });
    expect(await status(id)).toBe(after);
    const ops = emu.driver.calls
      .slice(before)
      .filter((c) => c.op !== "power")
      .map((c) => c.op);
    expect(ops.join(",")).toBe(driverOps);
  });

  it("lists the server's actions with sort, status filter and pagination", async () => {
    const all = await emu.api("GET", `/servers/${id}/actions?sort=id`);
    const commands = all.body.actions.map((a: { command: string }) => a.command);
    expect(commands).toEqual([
      "create_server",
      "start_server",
      "stop_server",
      "start_server",
      "shutdown_server",
      "start_server",
      "reboot_server",
      "reset_server",
    ]);
    const page = await emu.api("GET", `/servers/${id}/actions?sort=command:desc&per_page=2&status=success`);
    expect(page.body.actions.map((a: { command: string }) => a.command)).toEqual([
      "stop_server",
      "start_server",
    ]);
    expect(page.body.meta.pagination).toMatchObject({ per_page: 2, last_page: 4, total_entries: 8 });
  });

  it("reads one action through each of its paths", async () => {
    const [first] = (await emu.api("GET", `/servers/${id}/actions?sort=id`)).body.actions;
    for (const path of [
      `/servers/${id}/actions/${first.id}`,
      `/servers/actions/${first.id}`,
      `/actions/${first.id}`,
    ]) {
      expect((await emu.api("GET", path)).body.action).toEqual(first);
    }
    expect((await emu.api("GET", `/actions?id=${first.id}&id=999`)).body).toEqual({ actions: [first] });
    expect((await emu.api("GET", `/servers/actions?id=${first.id}`)).body.actions).toEqual([first]);
  });

  it.each([
    ["/actions", 422, "invalid_input"],
    ["/actions?id=x", 422, "invalid_input"],
    ["/actions/999", 404, "not_found"],
    ["/servers/actions?status=done", 422, "invalid_input"],
    ["/servers/actions?sort=name", 422, "invalid_input"],
    ["/servers/999/actions", 404, "not_found"],
  ])("GET %s fails with %i %s", async (path, code, error) => {
    const res = await emu.api("GET", path);
    expect(res.status).toBe(code);
    expect(res.body.error.code).toBe(error);
  });

  it("does not show another server's action under this server", async () => {
    const other = await newServer("other");
    const [action] = (await emu.api("GET", `/servers/${other}/actions`)).body.actions;
    expect((await emu.api("GET", `/servers/${id}/actions/${action.id}`)).status).toBe(404);
  });
});

describe("locked", () => {
  it("refuses a second action, and a delete, while one runs, then accepts once it ends", async () => {
    const id = await newServer("busy");
    const release = emu.driver.hold("powerOff");
    const first = await emu.api("POST", `/servers/${id}/actions/poweroff`);
    for (const [method, path] of [
      ["POST", `/servers/${id}/actions/poweron`],
      ["DELETE", `/servers/${id}`],
    ] as const) {
      const res = await emu.api(method, path);
      expect(res.status).toBe(423);
      expect(res.body.error).toEqual({
        code: "locked",
        message: `server ${id} is locked by a running action`,
        details: null,
      });
    }
    expect((await emu.api("PUT", `/servers/${id}`, { labels: { still: "editable" } })).status).toBe(200);
    release();
    expect(await emu.settle(first.body.action.id)).toMatchObject({ status: "success" });
    const second = await emu.api("POST", `/servers/${id}/actions/poweron`);
    expect(second.status).toBe(201);
    await emu.settle(second.body.action.id);
  });
});

describe("driver failures", () => {
  it("fails create_server and start_server with the driver's message and reports the server off", async () => {
    emu.driver.failNext("create", "docker: no space left on device");
    const res = await emu.api("POST", "/servers", {
      name: "doomed",
      server_type: "cx22",
      image: "debian-12",
    });
    const error = { code: "action_failed", message: "docker: no space left on device" };
    expect(await emu.settle(res.body.action.id)).toMatchObject({ status: "error", error });
    expect((await emu.api("GET", `/actions/${res.body.next_actions[0].id}`)).body.action).toMatchObject({
      status: "error",
      error,
    });
    expect(await status(res.body.server.id)).toBe("off");
    const del = await emu.api("DELETE", `/servers/${res.body.server.id}`);
    expect(await emu.settle(del.body.action.id)).toMatchObject({ status: "success" });
  });

  it("fails a power action and reads the status back from the driver", async () => {
    const id = await newServer("flaky");
    emu.driver.failNext("powerOff", "container is paused");
    const res = await emu.api("POST", `/servers/${id}/actions/poweroff`);
    expect(await emu.settle(res.body.action.id)).toMatchObject({
      status: "error",
      error: { code: "action_failed", message: "container is paused" },
    });
    expect(await status(id)).toBe("running");
  });

  it("keeps a server whose destroy failed, with its status read back", async () => {
    const id = await newServer("sticky");
    emu.driver.failNext("destroy", "device busy");
    const res = await emu.api("DELETE", `/servers/${id}`);
    expect(await emu.settle(res.body.action.id)).toMatchObject({ status: "error" });
    expect(await status(id)).toBe("running");
  });
});
