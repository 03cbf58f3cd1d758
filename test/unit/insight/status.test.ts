/** `slipway status` servers: every wanted server, with its addresses and a health that says why not. */
import { describe, expect, it } from "vitest";
import { serverStatuses } from "../../../src/cli/commands/status.ts";
import { example } from "./support.ts";

const observedServer = (name: string, status: string) => ({
  id: 7,
  name,
  status,
  serverType: "cx32",
  image: "debian-12",
  location: "fsn1",
  labels: {},
  ipv4: "127.0.1.9",
  ipv6: "2001:db8::1",
  hostKey: "ssh-ed25519 AAAA",
});

describe("serverStatuses", () => {
  it("reports health: healthy, unreachable, powered off or missing", async () => {
    const stack = await example("tux");
    const observed = new Map<string, unknown>([
      ["hetzner.server.web-1", observedServer("tux-web-1", "running")],
      ["host.docker.web-1", {}],
      ["hetzner.server.web-2", observedServer("tux-web-2", "running")],
      ["hetzner.server.db", observedServer("tux-db", "off")],
    ]);
    const byName = new Map(serverStatuses(stack, observed).map((s) => [s.name, s]));
    expect(byName.get("web-1")).toEqual({
      name: "web-1",
      group: "web",
      id: 7,
      type: "cx32",
      location: "fsn1",
      status: "running",
      address: "127.0.1.9",
      ipv6: "2001:db8::1",
      privateIps: ["10.0.2.10"],
      health: "healthy",
    });
    expect(byName.get("web-2")?.health).toBe("unreachable");
    expect(byName.get("db")?.health).toBe("off");
    expect(byName.get("bastion")).toMatchObject({
      id: null,
      status: "missing",
      health: "missing",
      privateIps: ["10.0.1.20"],
    });
    expect([...byName.keys()]).toEqual([
      "bastion",
      "web-1",
      "web-2",
      "bot",
      "db",
      "db-replica",
      "cache",
      "monitor",
    ]);
  });
});
