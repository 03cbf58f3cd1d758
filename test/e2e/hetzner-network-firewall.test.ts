/**
 * Hetzner networks and firewalls made real in the sandbox: two servers on a private network reach each
 * other on the private IPs the API reports, and a cloud firewall allowing only SSH closes every other
 * port of a server's public address (from the host and from another server) until it is removed, while
 * the private network stays unfiltered, as on Hetzner. A server moved to another primary IP answers there.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../src/util/exec.ts";
import { hetznerApi, settleActions } from "./support/servers.ts";

/** Whether the host opens a TCP connection to address:port within two seconds. */
function hostReaches(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/** Whether server `from` opens a TCP connection to address:port within two seconds. */
async function serverReaches(from: number, address: string, port: number): Promise<boolean> {
  const probe = `timeout 2 bash -c '</dev/tcp/${address}/${port}' 2>/dev/null`;
  return (await exec(["docker", "exec", `slipway-vm-${from}`, "bash", "-c", probe])).code === 0;
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting until ${what}`);
}

interface Server {
  id: number;
  publicIp: string;
  privateIp: string;
}

let networkId: number;
let primaryIpId: number | undefined;
const servers: Server[] = [];

beforeAll(async () => {
  const suffix = Date.now().toString(36);
  const network = await hetznerApi("POST", "/networks", {
    name: `e2e-net-${suffix}`,
    ip_range: "10.44.0.0/16",
    subnets: [{ type: "cloud", ip_range: "10.44.1.0/24", network_zone: "eu-central" }],
  });
  expect(network.status).toBe(201);
  networkId = network.body.network.id;
  for (const name of ["a", "b"]) {
    const res = await hetznerApi("POST", "/servers", {
      name: `e2e-${name}-${suffix}`,
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
      networks: [networkId],
    });
    expect(res.status).toBe(201);
    await settleActions([res.body.action, ...res.body.next_actions]);
    const server = res.body.server;
    servers.push({ id: server.id, publicIp: server.public_net.ipv4.ip, privateIp: server.private_net[0].ip });
  }
  for (const s of servers)
    await eventually(() => hostReaches(s.publicIp, 22), `sshd of server ${s.id} answers`);
});

afterAll(async () => {
  for (const s of servers) {
    const res = await hetznerApi("DELETE", `/servers/${s.id}`);
    if (res.status === 200) await settleActions([res.body.action]);
  }
  if (networkId) await hetznerApi("DELETE", `/networks/${networkId}`);
  if (primaryIpId) await hetznerApi("DELETE", `/primary_ips/${primaryIpId}`);
});

describe("private networks", () => {
  it("puts each server on a Docker network at the private IP the API reports", async () => {
    expect(servers.map((s) => s.privateIp)).toEqual(["10.44.1.1", "10.44.1.2"]);
    for (const s of servers) {
      const ip = await exec([
        "docker",
        "inspect",
        "--format",
        `{{(index .NetworkSettings.Networks "slipway-net-${networkId}").IPAddress}}`,
        `slipway-vm-${s.id}`,
      ]);
      expect(ip.stdout.trim()).toBe(s.privateIp);
    }
  });

  it("lets the two servers reach each other on their private IPs", async () => {
    const [a, b] = servers as [Server, Server];
    expect(await serverReaches(a.id, b.privateIp, 22)).toBe(true);
    expect(await serverReaches(b.id, a.privateIp, 22)).toBe(true);
  });
});

describe("a network Docker cannot realize", () => {
  it("fails the attach with the reason, and holds nothing else back", async () => {
    const [a, b] = servers as [Server, Server];
    const bad = await hetznerApi("POST", "/networks", {
      name: `e2e-overlap-${Date.now().toString(36)}`,
      ip_range: "172.17.0.0/16", // docker0's range on the host
      subnets: [{ type: "cloud", ip_range: "172.17.5.0/24", network_zone: "eu-central" }],
    });
    expect(bad.status).toBe(201);
    const attach = await hetznerApi("POST", `/servers/${a.id}/actions/attach_to_network`, {
      network: bad.body.network.id,
    });
    await expect(settleActions([attach.body.action])).rejects.toThrow(
      /overlaps the host route "172\.17\.0\.0\/16/,
    );
    const labels = await hetznerApi("PUT", `/servers/${b.id}`, { labels: { e2e: "yes" } });
    expect(labels.status).toBe(200);
    const detach = await hetznerApi("POST", `/servers/${a.id}/actions/detach_from_network`, {
      network: bad.body.network.id,
    });
    await settleActions([detach.body.action]);
    expect((await hetznerApi("DELETE", `/networks/${bad.body.network.id}`)).status).toBe(204);
    expect(await serverReaches(a.id, b.privateIp, 22)).toBe(true);
  });
});

describe("a firewall allowing only SSH", () => {
  let firewallId: number;

  it("closes a listening port of the public address from the host and other servers, not SSH", async () => {
    const [a, b] = servers as [Server, Server];
    await exec(["docker", "exec", "-d", `slipway-vm-${b.id}`, "python3", "-m", "http.server", "8080"]);
    await eventually(() => hostReaches(b.publicIp, 8080), "the test listener on port 8080 answers");
    expect(await serverReaches(a.id, b.publicIp, 8080)).toBe(true);

    const res = await hetznerApi("POST", "/firewalls", {
      name: `e2e-ssh-only-${Date.now().toString(36)}`,
      rules: [{ direction: "in", protocol: "tcp", port: "22", source_ips: ["0.0.0.0/0", "::/0"] }],
      apply_to: [{ type: "server", server: { id: b.id } }],
    });
    expect(res.status).toBe(201);
    firewallId = res.body.firewall.id;
    await settleActions(res.body.actions);

    expect(await hostReaches(b.publicIp, 8080)).toBe(false);
    expect(await hostReaches(b.publicIp, 22)).toBe(true);
    expect(await serverReaches(a.id, b.publicIp, 8080)).toBe(false);
    expect(await serverReaches(a.id, b.publicIp, 22)).toBe(true);
    // Hetzner firewalls do not filter private networks.
    expect(await serverReaches(a.id, b.privateIp, 8080)).toBe(true);
    // The server's own iptables are untouched: the rules live on the host.
    const inside = await exec(["docker", "exec", `slipway-vm-${b.id}`, "iptables", "-S"]);
    expect(inside.stdout).not.toContain("SBX-FW");
  });

  it("opens the port again once removed, and leaves no chain behind when deleted", async () => {
    const [, b] = servers as [Server, Server];
    const res = await hetznerApi("POST", `/firewalls/${firewallId}/actions/remove_from_resources`, {
      remove_from: [{ type: "server", server: { id: b.id } }],
    });
    expect(res.status).toBe(201);
    await settleActions(res.body.actions);
    expect(await hostReaches(b.publicIp, 8080)).toBe(true);
    expect((await hetznerApi("DELETE", `/firewalls/${firewallId}`)).status).toBe(204);
    const rules = await exec(["iptables", "-S"]);
    expect(rules.stdout).not.toContain(`SBX-FWI-${b.id}`);
  });
});

describe("primary IPs", () => {
  it("moves a server to another primary IP while it is off", async () => {
    const [, b] = servers as [Server, Server];
    const old = (await hetznerApi("GET", `/servers/${b.id}`)).body.server.public_net.ipv4;
    await settleActions([(await hetznerApi("POST", `/servers/${b.id}/actions/poweroff`)).body.action]);
    await settleActions([(await hetznerApi("POST", `/primary_ips/${old.id}/actions/unassign`)).body.action]);
    const created = await hetznerApi("POST", "/primary_ips", {
      name: `e2e-ip-${Date.now().toString(36)}`,
      type: "ipv4",
      assignee_type: "server",
      assignee_id: b.id,
    });
    expect(created.status).toBe(201);
    primaryIpId = created.body.primary_ip.id;
    const ip: string = created.body.primary_ip.ip;
    await settleActions([created.body.action]);
    await settleActions([(await hetznerApi("POST", `/servers/${b.id}/actions/poweron`)).body.action]);
    await eventually(() => hostReaches(ip, 22), `server ${b.id} answers on its new address ${ip}`);
    expect(await hostReaches(old.ip, 22)).toBe(false);
  });
});
