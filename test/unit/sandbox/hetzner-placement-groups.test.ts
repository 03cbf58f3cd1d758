import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function server(name: string, extra: Record<string, unknown> = {}) {
  return emu.api("POST", "/servers", { name, server_type: "cx22", image: "debian-12", ...extra });
}

describe("placement groups", () => {
  let pg: { id: number };

  it("creates a spread group and reads it back", async () => {
    const res = await emu.api("POST", "/placement_groups", {
      name: "spread",
      type: "spread",
      labels: { a: "1" },
    });
    expect(res.status).toBe(201);
    pg = res.body.placement_group;
    expect(pg).toMatchObject({ name: "spread", type: "spread", labels: { a: "1" }, servers: [] });
    expect((await emu.api("GET", `/placement_groups/${pg.id}`)).body.placement_group).toEqual(pg);
  });

  it("refuses another type and a taken name", async () => {
    const type = await emu.api("POST", "/placement_groups", { name: "x", type: "cluster" });
    expect(type.body.error.details.fields[0]).toEqual({
      name: "type",
      messages: ["Must be one of: spread."],
    });
    const taken = await emu.api("POST", "/placement_groups", { name: "spread", type: "spread" });
    expect(taken.body.error.code).toBe("uniqueness_error");
  });

  it("takes 10 servers at create and refuses the 11th with placement_error", async () => {
    for (let i = 1; i <= 10; i++) {
      const res = await server(`pg-${i}`, { placement_group: pg.id });
      expect(res.status).toBe(201);
      expect(res.body.server.placement_group).toMatchObject({ id: pg.id, name: "spread" });
      await emu.settle(res.body.action.id);
    }
    const full = await server("pg-11", { placement_group: pg.id });
    expect(full.status).toBe(422);
    expect(full.body.error.code).toBe("placement_error");
    expect((await emu.api("GET", "/servers?name=pg-11")).body.servers).toEqual([]);
    const got = (await emu.api("GET", `/placement_groups/${pg.id}`)).body.placement_group;
    expect(got.servers).toHaveLength(10);
  });

  it("refuses deleting a group with servers, removes a server (action) and deletes once empty", async () => {
    expect((await emu.api("DELETE", `/placement_groups/${pg.id}`)).body.error.code).toBe("resource_in_use");
    const ids: number[] = (await emu.api("GET", `/placement_groups/${pg.id}`)).body.placement_group.servers;
    const first = ids[0] as number;
    const removed = await emu.api("POST", `/servers/${first}/actions/remove_from_placement_group`);
    expect(removed.body.action).toMatchObject({ command: "remove_from_placement_group", status: "success" });
    expect((await emu.api("GET", `/servers/${first}`)).body.server.placement_group).toBeNull();
    for (const id of ids.slice(1)) {
      const del = await emu.api("DELETE", `/servers/${id}`);
      await emu.settle(del.body.action.id);
    }
    expect((await emu.api("GET", `/placement_groups/${pg.id}`)).body.placement_group.servers).toEqual([]);
    expect((await emu.api("DELETE", `/placement_groups/${pg.id}`)).status).toBe(204);
  });

  it("adds a stopped server with add_to_placement_group, not a running one", async () => {
    const group = (await emu.api("POST", "/placement_groups", { name: "late", type: "spread" })).body
      .placement_group;
    const res = await server("pg-late", { start_after_create: false });
    await emu.settle(res.body.action.id);
    const id = res.body.server.id;
    const running = await server("pg-running");
    await emu.settle(running.body.action.id);
    const refused = await emu.api(
      "POST",
      `/servers/${running.body.server.id}/actions/add_to_placement_group`,
      {
        placement_group: group.id,
      },
    );
    expect(refused.body.error.code).toBe("server_not_stopped");
    const added = await emu.api("POST", `/servers/${id}/actions/add_to_placement_group`, {
      placement_group: group.id,
    });
    expect(added.body.action.command).toBe("add_to_placement_group");
    const again = await emu.api("POST", `/servers/${id}/actions/add_to_placement_group`, {
      placement_group: group.id,
    });
    expect(again.body.error.code).toBe("already_in_placement_group");
    const list = await emu.api("GET", "/placement_groups?type=spread&sort=name:desc");
    expect(list.body.placement_groups.map((p: { name: string }) => p.name)).toEqual(["late"]);
  });

  it("refuses an unknown group at server create", async () => {
    const res = await server("pg-none", { placement_group: 99 });
    expect(res.body.error.details.fields).toEqual([
      { name: "placement_group", messages: ["placement group 99 not found"] },
    ]);
  });
});
