import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ publicIpv4Pool: { first: "127.0.1.20", last: "127.0.1.29" } });
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

async function server(name: string, extra: Record<string, unknown> = {}) {
  const res = await emu.api("POST", "/servers", { name, server_type: "cx22", image: "debian-12", ...extra });
  if (res.status === 201) await emu.settle(res.body.action.id);
  return res;
}

describe("primary IPs of servers", () => {
  it("gives a new server an auto-deleting primary IP, listed and shown with its id", async () => {
    const res = await server("ip-auto");
    const ipv4 = res.body.server.public_net.ipv4;
    expect(ipv4).toMatchObject({ ip: "127.0.1.20", blocked: false });
    const list = await emu.api("GET", "/primary_ips?ip=127.0.1.20");
    expect(list.body.primary_ips).toHaveLength(1);
    expect(list.body.primary_ips[0]).toMatchObject({
      id: ipv4.id,
      name: `primary_ip-${ipv4.id}`,
      type: "ipv4",
      ip: "127.0.1.20",
      auto_delete: true,
      assignee_type: "server",
      assignee_id: res.body.server.id,
      datacenter: { name: "fsn1-dc14" },
      dns_ptr: [{ ip: "127.0.1.20", dns_ptr: "static.20.1.0.127.clients.your-server.de" }],
    });
    const del = await emu.api("DELETE", `/servers/${res.body.server.id}`);
    await emu.settle(del.body.action.id);
    expect((await emu.api("GET", `/primary_ips/${ipv4.id}`)).body.error.code).toBe("not_found");
  });

  it("creates a server without IPv4 (enable_ipv4 false)", async () => {
    const res = await server("ip-none", { public_net: { enable_ipv4: false, enable_ipv6: false } });
    expect(res.body.server.public_net.ipv4).toBeNull();
  });
});

describe("/primary_ips", () => {
  let ip: { id: number; ip: string };

  it("creates an unassigned IP in a location", async () => {
    const res = await emu.api("POST", "/primary_ips", {
      name: "keep",
      type: "ipv4",
      assignee_type: "server",
      location: "nbg1",
      labels: { keep: "yes" },
    });
    expect(res.status).toBe(201);
    ip = res.body.primary_ip;
    expect(res.body.primary_ip).toMatchObject({
      name: "keep",
      assignee_id: null,
      auto_delete: false,
      datacenter: { name: "nbg1-dc3" },
      location: { name: "nbg1" },
    });
  });

  it.each([
    [
      "no location for an unassigned IP",
      { name: "a", type: "ipv4", assignee_type: "server" },
      422,
      "invalid_input",
    ],
    [
      "an IPv6 (the sandbox has none)",
      { name: "b", type: "ipv6", assignee_type: "server", location: "fsn1" },
      422,
      "unsupported_error",
    ],
    [
      "a taken name",
      { name: "keep", type: "ipv4", assignee_type: "server", location: "fsn1" },
      409,
      "uniqueness_error",
    ],
  ])("refuses %s", async (_, body, status, code) => {
    const res = await emu.api("POST", "/primary_ips", body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it("creates a server on an existing primary IP; in another location it is refused", async () => {
    const elsewhere = await server("ip-fsn", { location: "fsn1", public_net: { ipv4: ip.id } });
    expect(elsewhere.body.error.code).toBe("primary_ip_datacenter_mismatch");
    const res = await server("ip-nbg", { location: "nbg1", public_net: { ipv4: ip.id } });
    expect(res.body.server.public_net.ipv4).toMatchObject({ id: ip.id, ip: ip.ip });
    const taken = await server("ip-nbg-2", { location: "nbg1", public_net: { ipv4: ip.id } });
    expect(taken.body.error.code).toBe("primary_ip_assigned");
  });

  it("unassigns and assigns only while the server is off; delete needs it unassigned", async () => {
    const owner = (await emu.api("GET", "/servers?name=ip-nbg")).body.servers[0];
    const running = await emu.api("POST", `/primary_ips/${ip.id}/actions/unassign`);
    expect(running.body.error.code).toBe("server_not_stopped");
    expect((await emu.api("DELETE", `/primary_ips/${ip.id}`)).body.error.code).toBe("must_be_unassigned");
    const off = await emu.api("POST", `/servers/${owner.id}/actions/poweroff`);
    await emu.settle(off.body.action.id);
    const un = await emu.api("POST", `/primary_ips/${ip.id}/actions/unassign`);
    expect(un.body.action).toMatchObject({ command: "unassign_primary_ip" });
    await emu.settle(un.body.action.id);
    expect((await emu.api("GET", `/servers/${owner.id}`)).body.server.public_net.ipv4).toBeNull();
    const as = await emu.api("POST", `/primary_ips/${ip.id}/actions/assign`, {
      assignee_type: "server",
      assignee_id: owner.id,
    });
    expect(as.body.action.command).toBe("assign_primary_ip");
    await emu.settle(as.body.action.id);
    expect((await emu.api("GET", `/servers/${owner.id}`)).body.server.public_net.ipv4.ip).toBe(ip.ip);
    const twice = await emu.api("POST", `/primary_ips/${ip.id}/actions/assign`, {
      assignee_type: "server",
      assignee_id: owner.id,
    });
    expect(twice.body.error.code).toBe("server_has_ipv4");
  });

  it("changes reverse DNS, protection, name and auto_delete", async () => {
    const ptr = await emu.api("POST", `/primary_ips/${ip.id}/actions/change_dns_ptr`, {
      ip: ip.ip,
      dns_ptr: "web.example.com",
    });
    expect(ptr.body.action).toMatchObject({ command: "change_dns_ptr", status: "success" });
    const owner = (await emu.api("GET", "/servers?name=ip-nbg")).body.servers[0];
    expect(owner.public_net.ipv4.dns_ptr).toBe("web.example.com");
    const wrong = await emu.api("POST", `/primary_ips/${ip.id}/actions/change_dns_ptr`, { ip: "127.0.9.9" });
    expect(wrong.body.error.details.fields[0].name).toBe("ip");
    await emu.api("POST", `/primary_ips/${ip.id}/actions/change_protection`, { delete: true });
    const put = await emu.api("PUT", `/primary_ips/${ip.id}`, { name: "kept", auto_delete: true });
    expect(put.body.primary_ip).toMatchObject({
      name: "kept",
      auto_delete: true,
      protection: { delete: true },
    });
    const actions = await emu.api("GET", `/primary_ips/${ip.id}/actions?sort=id`);
    expect(actions.body.actions.map((a: { command: string }) => a.command)).toEqual([
      "unassign_primary_ip",
      "assign_primary_ip",
      "change_dns_ptr",
      "change_protection",
    ]);
  });

  it("never hands out an address a primary IP holds", async () => {
    const held = (await emu.api("GET", "/primary_ips")).body.primary_ips.map((p: { ip: string }) => p.ip);
    const res = await server("ip-fresh");
    expect(held).not.toContain(res.body.server.public_net.ipv4.ip);
  });
});
