// slipway import: an existing network is read and recorded under its stack address; bad addresses
// and objects that cannot be imported get errors naming the argument.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import { emptyState, type StateDocument, StateStore } from "../../../src/engine/state.ts";
import { createHetznerClient } from "../../../src/providers/hetzner/client.ts";
import { importableNode, importResource } from "../../../src/stack/import-resource.ts";
import { infraNodes } from "../../../src/stack/infra-nodes.ts";
import { serverInstances } from "../../../src/stack/resources.ts";
import type { Session } from "../../../src/stack/session.ts";
import { startTestEmulator, type TestEmulator, TOKEN } from "../../support/hetzner-emulator.ts";
import { withStack } from "../config/helpers.ts";

const stack = parseStack(
  withStack({ networks: { main: { ipRange: "10.0.0.0/16" } }, placementGroups: { spread: {} } }),
);
const nodes = infraNodes(stack, serverInstances(stack)).nodes;

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

function session(): { session: Session; written: StateDocument[] } {
  const written: StateDocument[] = [];
  const backend = {
    location: "memory",
    read: async () => null,
    write: async (d: StateDocument) => void written.push(d),
  };
  const state = new StateStore(emptyState(stack.name), backend);
  const ctx = { hetzner: createHetznerClient({ endpoint: emu.url, token: TOKEN }) };
  return { session: { nodes, state, ctx } as unknown as Session, written };
}

describe("import", () => {
  it("reads the object and records it in state under the address", async () => {
    const res = await emu.api("POST", "/networks", { name: "by-hand", ip_range: "10.0.0.0/16" });
    const { session: s, written } = session();
    await importResource(s, "hetzner.network.main", String(res.body.network.id));
    expect(s.state.resource("hetzner.network.main")).toMatchObject({
      kind: "hetzner.network",
      id: String(res.body.network.id),
      outputs: { name: "by-hand", ipRange: "10.0.0.0/16" },
    });
    expect(written).toHaveLength(1);
    await expect(importResource(s, "hetzner.network.main", "1")).rejects.toThrow(
      `ADDRESS: hetzner.network.main is already in state (id ${res.body.network.id})`,
    );
  });

  it("says when no object has the id", async () => {
    await expect(importResource(session().session, "hetzner.placementGroup.spread", "9999")).rejects.toThrow(
      "no hetzner.placementGroup with id 9999 exists",
    );
  });

  it("refuses an unknown address with the nearest one", () => {
    expect(() => importableNode(nodes, "hetzner.network.mian")).toThrow(
      'ADDRESS: no resource "hetzner.network.mian" in the stack; did you mean "hetzner.network.main"?',
    );
  });
});
