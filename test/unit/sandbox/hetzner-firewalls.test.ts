import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";

let emu: TestEmulator;
let web1: number;
let web2: number;
let db: number;
beforeAll(async () => {
  emu = await startTestEmulator();
  const make = async (name: string, labels: Record<string, string>) => {
    const res = await emu.api("POST", "/servers", { name, server_type: "cx22", image: "debian-12", labels });
    await emu.settle(res.body.action.id);
    return res.body.server.id as number;
  };
  web1 = await make("fw-web-1", { role: "web" });
  web2 = await make("fw-web-2", { role: "web" });
  db = await make("fw-db", { role: "db" });
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

const ssh = { direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0", "::/0"] };

async function settleAll(actions: { id: number }[]) {
  for (const a of actions) expect(await emu.settle(a.id)).toMatchObject({ status: "success" });
}

describe("POST /firewalls", () => {
  it("creates a firewall with rules and targets, answering set_firewall_rules and apply_firewall actions", async () => {
    const res = await emu.api("POST", "/firewalls", {
      name: "web",
      labels: { stack: "app" },
      rules: [ssh, { direction: "in", protocol: "icmp", source_ips: ["10.0.0.0/8"], description: "ping" }],
      apply_to: [{ type: "server", server: { id: web1 } }],
    });
    expect(res.status).toBe(201);
    expect(res.body.firewall).toMatchObject({
      name: "web",
      labels: { stack: "app" },
      rules: [
        { ...ssh, destination_ips: [], description: null },
        { direction: "in", protocol: "icmp", port: null, source_ips: ["10.0.0.0/8"], description: "ping" },
      ],
      applied_to: [{ type: "server", server: { id: web1 } }],
    });
    const fw = res.body.firewall.id;
    expect(res.body.actions.map((a: { command: string }) => a.command)).toEqual([
      "set_firewall_rules",
      "apply_firewall",
    ]);
    expect(res.body.actions[1].resources).toEqual([
      { id: fw, type: "firewall" },
      { id: web1, type: "server" },
    ]);
    await settleAll(res.body.actions);
    const server = (await emu.api("GET", `/servers/${web1}`)).body.server;
    expect(server.public_net.firewalls).toEqual([{ id: fw, status: "applied" }]);
  });

  it.each([
    [
      "tcp without port",
      { direction: "in", protocol: "tcp", source_ips: ["0.0.0.0/0"] },
      "rules[0].port",
      "required for tcp rules",
    ],
    [
      "icmp with a port",
      { direction: "in", protocol: "icmp", port: "1", source_ips: ["0.0.0.0/0"] },
      "rules[0].port",
      "not allowed for icmp rules",
    ],
    ["a port out of range", { ...ssh, port: "0-70000" }, "rules[0].port", "within 1-65535"],
    ["a reversed range", { ...ssh, port: "90-80" }, "rules[0].port", "within 1-65535"],
    [
      "an in rule without sources",
      { direction: "in", protocol: "tcp", port: "80" },
      "rules[0].source_ips",
      "required",
    ],
    [
      "an out rule with sources",
      {
        direction: "out",
        protocol: "tcp",
        port: "80",
        source_ips: ["0.0.0.0/0"],
        destination_ips: ["0.0.0.0/0"],
      },
      "rules[0].source_ips",
      "only allowed for rules of direction in",
    ],
    [
      "a CIDR with host bits",
      { ...ssh, source_ips: ["10.0.0.5/8"] },
      "rules[0].source_ips[0]",
      "not a CIDR block",
    ],
    ["not a CIDR", { ...ssh, source_ips: ["somewhere"] }, "rules[0].source_ips[0]", "not a CIDR block"],
    [
      "an unknown protocol",
      { ...ssh, protocol: "sctp" },
      "rules[0].protocol",
      "Must be one of: tcp, udp, icmp, esp, gre.",
    ],
  ])("refuses %s with invalid_input on the field", async (_, rule, field, message) => {
    const res = await emu.api("POST", "/firewalls", { name: "bad", rules: [rule] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.details.fields[0].name).toBe(field);
    expect(res.body.error.details.fields[0].messages[0]).toContain(message);
  });

  it("refuses more than 50 rules", async () => {
    const res = await emu.api("POST", "/firewalls", { name: "many", rules: Array(51).fill(ssh) });
    expect(res.body.error.details.fields[0]).toEqual({
      name: "rules",
      messages: ["a firewall has at most 50 rules"],
    });
  });

  it("refuses a missing server with firewall_resource_not_found and leaves no firewall behind", async () => {
    const res = await emu.api("POST", "/firewalls", {
      name: "ghost",
      apply_to: [{ type: "server", server: { id: 42 } }],
    });
    expect(res.body.error.code).toBe("firewall_resource_not_found");
    expect((await emu.api("GET", "/firewalls?name=ghost")).body.firewalls).toEqual([]);
  });

  it("refuses a taken name with uniqueness_error", async () => {
    const res = await emu.api("POST", "/firewalls", { name: "web" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("uniqueness_error");
  });
});

describe("label selectors", () => {
  let fw: number;
  beforeAll(async () => {
    const res = await emu.api("POST", "/firewalls", { name: "by-label", rules: [ssh] });
    fw = res.body.firewall.id;
    await settleAll(res.body.actions);
  });

  it("applies through a selector and expands applied_to_resources", async () => {
    const res = await emu.api("POST", `/firewalls/${fw}/actions/apply_to_resources`, {
      apply_to: [{ type: "label_selector", label_selector: { selector: "role=web" } }],
    });
    expect(res.status).toBe(201);
    expect(res.body.actions.map((a: { resources: { id: number }[] }) => a.resources[1]?.id)).toEqual([
      web1,
      web2,
    ]);
    await settleAll(res.body.actions);
    const got = (await emu.api("GET", `/firewalls/${fw}`)).body.firewall;
    expect(got.applied_to).toEqual([
      {
        type: "label_selector",
        label_selector: { selector: "role=web" },
        applied_to_resources: [
          { type: "server", server: { id: web1 } },
          { type: "server", server: { id: web2 } },
        ],
      },
    ]);
  });

  it("follows label changes of servers", async () => {
    await emu.api("PUT", `/servers/${db}`, { labels: { role: "web" } });
    const members = (await emu.api("GET", `/firewalls/${fw}`)).body.firewall.applied_to[0]
      .applied_to_resources;
    expect(members.map((m: { server: { id: number } }) => m.server.id)).toEqual([web1, web2, db]);
    expect((await emu.api("GET", `/servers/${db}`)).body.server.public_net.firewalls).toEqual([
      { id: fw, status: "applied" },
    ]);
    await emu.api("PUT", `/servers/${db}`, { labels: { role: "db" } });
    expect((await emu.api("GET", `/servers/${db}`)).body.server.public_net.firewalls).toEqual([]);
  });

  it("refuses removing a server that only a selector applies, and a selector applied twice", async () => {
    const manual = await emu.api("POST", `/firewalls/${fw}/actions/remove_from_resources`, {
      remove_from: [{ type: "server", server: { id: web2 } }],
    });
    expect(manual.body.error.code).toBe("firewall_managed_by_label_selector");
    const twice = await emu.api("POST", `/firewalls/${fw}/actions/apply_to_resources`, {
      apply_to: [{ type: "label_selector", label_selector: { selector: "role=web" } }],
    });
    expect(twice.body.error.code).toBe("firewall_already_applied");
    const bad = await emu.api("POST", `/firewalls/${fw}/actions/apply_to_resources`, {
      apply_to: [{ type: "label_selector", label_selector: { selector: "role in (web" } }],
    });
    expect(bad.body.error.details.fields[0].name).toBe("apply_to[0].label_selector.selector");
  });

  it("refuses deleting while applied (resource_in_use), then deletes once removed", async () => {
    const inUse = await emu.api("DELETE", `/firewalls/${fw}`);
    expect(inUse.status).toBe(422);
    expect(inUse.body.error.code).toBe("resource_in_use");
    const removed = await emu.api("POST", `/firewalls/${fw}/actions/remove_from_resources`, {
      remove_from: [{ type: "label_selector", label_selector: { selector: "role=web" } }],
    });
    expect(removed.body.actions.map((a: { command: string }) => a.command)).toEqual([
      "remove_firewall",
      "remove_firewall",
    ]);
    await settleAll(removed.body.actions);
    expect((await emu.api("DELETE", `/firewalls/${fw}`)).status).toBe(204);
  });
});

describe("set_rules, update, list and actions", () => {
  it("replaces the rules and re-applies them to each server", async () => {
    const fw = (await emu.api("GET", "/firewalls?name=web")).body.firewalls[0];
    const res = await emu.api("POST", `/firewalls/${fw.id}/actions/set_rules`, {
      rules: [{ direction: "out", protocol: "udp", port: "53", destination_ips: ["0.0.0.0/0"] }],
    });
    expect(res.body.actions.map((a: { command: string }) => a.command)).toEqual([
      "set_firewall_rules",
      "apply_firewall",
    ]);
    await settleAll(res.body.actions);
    const got = (await emu.api("GET", `/firewalls/${fw.id}`)).body.firewall;
    expect(got.rules).toEqual([
      {
        direction: "out",
        protocol: "udp",
        port: "53",
        source_ips: [],
        destination_ips: ["0.0.0.0/0"],
        description: null,
      },
    ]);
    const put = await emu.api("PUT", `/firewalls/${fw.id}`, { name: "web-2", labels: { x: "y" } });
    expect(put.body.firewall).toMatchObject({ name: "web-2", labels: { x: "y" } });
    const list = await emu.api("GET", "/firewalls?label_selector=x&sort=name:desc");
    expect(list.body.firewalls.map((f: { id: number }) => f.id)).toEqual([fw.id]);
    const actions = await emu.api("GET", `/firewalls/${fw.id}/actions?sort=id:desc`);
    expect(actions.body.actions[0].command).toBe("apply_firewall");
    const one = await emu.api("GET", `/firewalls/actions/${actions.body.actions[0].id}`);
    expect(one.body.action.id).toBe(actions.body.actions[0].id);
  });

  it("server create applies firewalls; server delete removes the server from applied_to", async () => {
    const fw = (await emu.api("GET", "/firewalls?name=web-2")).body.firewalls[0];
    const res = await emu.api("POST", "/servers", {
      name: "fw-new",
      server_type: "cx22",
      image: "debian-12",
      firewalls: [{ firewall: fw.id }],
    });
    expect(res.body.server.public_net.firewalls).toEqual([{ id: fw.id, status: "applied" }]);
    await emu.settle(res.body.action.id);
    const del = await emu.api("DELETE", `/servers/${res.body.server.id}`);
    await emu.settle(del.body.action.id);
    const after = (await emu.api("GET", `/firewalls/${fw.id}`)).body.firewall.applied_to;
    expect(after).toEqual([{ type: "server", server: { id: web1 } }]);
  });
});
