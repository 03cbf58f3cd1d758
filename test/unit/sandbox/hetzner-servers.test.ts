import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import { KEYS } from "../../support/ssh-keys.ts";

let emu: TestEmulator;
let keyId: number;
beforeAll(async () => {
  emu = await startTestEmulator({ publicIpv4Pool: { first: "127.0.1.10", last: "127.0.1.13" } });
  keyId = (await emu.api("POST", "/ssh_keys", { name: "deploy", public_key: KEYS.ed25519.publicKey })).body
    .ssh_key.id;
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

const base = { server_type: "cx22", image: "debian-12", location: "fsn1", ssh_keys: ["deploy"] };

async function create(body: Record<string, unknown>) {
  const res = await emu.api("POST", "/servers", body);
  if (res.status === 201) await emu.settle(res.body.action.id);
  return res;
}

describe("POST /servers", () => {
  it("answers 201 with the server initializing, create and start actions, and no root password with keys", async () => {
    const res = await emu.api("POST", "/servers", {
      ...base,
      name: "web-1",
      labels: { role: "web" },
      user_data: "#cloud-config\n",
    });
    expect(res.status).toBe(201);
    expect(res.body.server).toMatchObject({
      name: "web-1",
      status: "initializing",
      labels: { role: "web" },
      public_net: {
        ipv4: { ip: "127.0.1.10", blocked: false, dns_ptr: "static.10.1.0.127.clients.your-server.de" },
        ipv6: null,
      },
      server_type: { name: "cx22", cores: 2 },
      datacenter: { name: "fsn1-dc14", location: { name: "fsn1" } },
      location: { name: "fsn1" },
      image: { name: "debian-12", architecture: "x86" },
      primary_disk_size: 40,
    });
    expect(res.body.action).toMatchObject({
      command: "create_server",
      status: "running",
      progress: 0,
      finished: null,
    });
    expect(res.body.action.resources).toEqual([{ id: res.body.server.id, type: "server" }]);
    expect(res.body.next_actions.map((a: { command: string }) => a.command)).toEqual(["start_server"]);
    expect(res.body.root_password).toBeNull();

    expect(await emu.settle(res.body.action.id)).toMatchObject({ status: "success", error: null });
    expect((await emu.api("GET", `/servers/${res.body.server.id}`)).body.server.status).toBe("running");
    expect(emu.driver.machines.get(res.body.server.id)?.spec).toEqual({
      id: res.body.server.id,
      name: "web-1",
      image: "debian-12",
      serverType: "cx22",
      publicIpv4: "127.0.1.10",
      userData: "#cloud-config\n",
      rootSshKeys: [KEYS.ed25519.publicKey],
    });
  });

  it("refuses a second server with the same name", async () => {
    const res = await emu.api("POST", "/servers", { ...base, name: "web-1" });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: "uniqueness_error",
      message: "server name is already used",
      details: { fields: [{ name: "name" }] },
    });
  });

  it("accepts ids as numbers, as Hetzner's Go client sends them, and picks the arm build of an image name", async () => {
    const res = await create({
      name: "arm-1",
      server_type: 45,
      image: "debian-12",
      location: 3,
      ssh_keys: [keyId],
    });
    expect(res.status).toBe(201);
    expect(res.body.server).toMatchObject({
      server_type: { name: "cax11" },
      image: { id: 114690389, architecture: "arm" },
      location: { name: "hel1" },
    });
  });

  it("leaves the server off with start_after_create false, and gives a root password without keys", async () => {
    const res = await create({
      name: "cold",
      server_type: "cpx11",
      image: "ubuntu-24.04",
      start_after_create: false,
    });
    expect(res.body.next_actions).toEqual([]);
    expect(res.body.root_password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(res.body.server.datacenter.name).toBe("fsn1-dc14");
    expect((await emu.api("GET", `/servers/${res.body.server.id}`)).body.server.status).toBe("off");
    expect(emu.driver.effects().slice(-2)).toEqual([
      `create ${res.body.server.id}`,
      `powerOff ${res.body.server.id}`,
    ]);
  });

  it("creates a server without IPv4 when asked", async () => {
    const res = await create({ ...base, name: "v6-only", public_net: { enable_ipv4: false } });
    expect(res.body.server.public_net.ipv4).toBeNull();
  });

  it("hands out the pool's next address and refuses when the pool is exhausted", async () => {
    const fourth = await create({ ...base, name: "web-4" });
    expect(fourth.body.server.public_net.ipv4.ip).toBe("127.0.1.13");
    const full = await emu.api("POST", "/servers", { ...base, name: "web-5" });
    expect(full.status).toBe(412);
    expect(full.body.error.code).toBe("resource_unavailable");
  });
});

describe("GET /servers", () => {
  const names = async (query: string) =>
    (await emu.api("GET", `/servers?${query}`)).body.servers.map((s: { name: string }) => s.name);
  it.each([
    ["", ["web-1", "arm-1", "cold", "v6-only", "web-4"]],
    ["name=cold", ["cold"]],
    ["status=off", ["cold"]],
    ["status=running&status=off", ["web-1", "arm-1", "cold", "v6-only", "web-4"]],
    ["label_selector=role%3Dweb", ["web-1"]],
    ["sort=name", ["arm-1", "cold", "v6-only", "web-1", "web-4"]],
    ["sort=created:desc&sort=id:desc&per_page=2", ["web-4", "v6-only"]],
  ])("?%s", async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  it("rejects an unknown status", async () => {
    const res = await emu.api("GET", "/servers?status=sleeping");
    expect(res.body.error).toMatchObject({
      code: "invalid_input",
      details: { fields: [{ name: "status" }] },
    });
  });
});

describe("PUT and DELETE /servers/{id}", () => {
  it("renames and relabels, refusing invalid or taken names", async () => {
    const id = (await emu.api("GET", "/servers?name=v6-only")).body.servers[0].id;
    const res = await emu.api("PUT", `/servers/${id}`, { name: "v4-less", labels: { a: "b" } });
    expect(res.body.server).toMatchObject({ name: "v4-less", labels: { a: "b" } });
    expect((await emu.api("PUT", `/servers/${id}`, { name: "cold" })).body.error.code).toBe(
      "uniqueness_error",
    );
    expect((await emu.api("PUT", `/servers/${id}`, { name: "-x" })).body.error.code).toBe("invalid_input");
  });

  it("deletes through an action and frees the address", async () => {
    const id = (await emu.api("GET", "/servers?name=web-1")).body.servers[0].id;
    const res = await emu.api("DELETE", `/servers/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.action).toMatchObject({ command: "delete_server", status: "running" });
    expect(await emu.settle(res.body.action.id)).toMatchObject({ status: "success" });
    expect((await emu.api("GET", `/servers/${id}`)).status).toBe(404);
    expect(emu.driver.machines.has(id)).toBe(false);
    const next = await create({ ...base, name: "web-5" });
    expect(next.body.server.public_net.ipv4.ip).toBe("127.0.1.10");
  });
});
