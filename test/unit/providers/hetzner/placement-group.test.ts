// hetzner.placementGroup against the in-process emulator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHetznerClient } from "../../../../src/providers/hetzner/client.ts";
import {
  type PlacementGroupInput,
  placementGroup,
} from "../../../../src/providers/hetzner/placement-group.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let ctx: { hetzner: ReturnType<typeof createHetznerClient> };
beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

const want: PlacementGroupInput = {
  name: "spread",
  labels: { "slipway/stack": "shop", "slipway/resource": "spread" },
  type: "spread",
};

describe("hetzner.placementGroup", () => {
  it("creates, finds by labels, renames in place and deletes", async () => {
    const created = await placementGroup.create(ctx, want);
    expect(created).toMatchObject({ name: "spread", type: "spread", servers: [] });
    expect(await placementGroup.find?.(ctx, want)).toEqual(created);
    const next = { ...want, name: "spread-2" };
    const changes = placementGroup.diff(next, created);
    expect(changes).toEqual([
      { path: "name", from: "spread", to: "spread-2", forcesReplace: false, sensitive: undefined },
    ]);
    const updated = await placementGroup.update(ctx, created, next, changes);
    expect(updated.name).toBe("spread-2");
    await placementGroup.delete(ctx, updated);
    await placementGroup.delete(ctx, updated);
    expect(await placementGroup.read(ctx, String(created.id), want)).toBeNull();
  });

  it("lists the servers placed in it", async () => {
    const group = await placementGroup.create(ctx, { ...want, name: "with-servers" });
    const res = await emu.api("POST", "/servers", {
      name: "db-1",
      server_type: "cx22",
      image: "debian-12",
      placement_group: group.id,
    });
    await emu.settle(res.body.action.id);
    expect((await placementGroup.read(ctx, String(group.id), want))?.servers).toEqual([res.body.server.id]);
  });
});
