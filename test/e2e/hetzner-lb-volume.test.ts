/**
 * Hetzner load balancers and volumes made real in the sandbox. Two servers run a tiny HTTP responder;
 * a load balancer on its own public address (127.0.3.x) with an http service and both servers as
 * targets (by label selector) spreads requests over both; its health checks see a server that is
 * powered off go unhealthy in the API while the other keeps serving; a reconfiguration under load drops
 * no request. A file written on a volume by one server is read by the other after detach and attach.
 * All of it survives `sandbox down` and `up`.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../src/util/exec.ts";
import { expectCli } from "./support/cli.ts";
import { hetznerApi, settleActions } from "./support/servers.ts";

async function eventually(check: () => Promise<boolean>, what: string, seconds = 40): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** One GET on a fresh connection, so every request is balanced on its own. */
function get(address: string, port = 80): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path: "/", agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

async function inVm(serverId: number, script: string): Promise<{ code: number; stdout: string }> {
  const result = await exec(["docker", "exec", `slipway-vm-${serverId}`, "sh", "-c", script]);
  return { code: result.code, stdout: result.stdout.trim() };
}

/** Starts the HTTP responder of a server: it answers every GET / with the server's name. */
async function serve(serverId: number, name: string): Promise<void> {
  const start = `mkdir -p /srv/www && echo ${name} > /srv/www/index.html && cd /srv/www && exec python3 -m http.server 8080`;
  await exec(["docker", "exec", "--detach", `slipway-vm-${serverId}`, "sh", "-c", start]);
}

const suffix = Date.now().toString(36);
const servers: { id: number; name: string }[] = [];
let lb: { id: number; ip: string };
let volumeId: number | undefined;

beforeAll(async () => {
  for (const name of ["a", "b"]) {
    const res = await hetznerApi("POST", "/servers", {
      name: `lbv-${name}-${suffix}`,
      server_type: "cx22",
      image: "debian-12",
      location: "fsn1",
      labels: { role: `web-${suffix}` },
    });
    expect(res.status).toBe(201);
    await settleActions([res.body.action, ...res.body.next_actions]);
    servers.push({ id: res.body.server.id, name: res.body.server.name });
  }
  for (const s of servers) await serve(s.id, s.name);
  const res = await hetznerApi("POST", "/load_balancers", {
    name: `lbv-${suffix}`,
    load_balancer_type: "lb11",
    location: "fsn1",
    services: [
      {
        protocol: "http",
        listen_port: 80,
        destination_port: 8080,
        proxyprotocol: false,
        health_check: {
          protocol: "http",
          port: 8080,
          interval: 3,
          timeout: 2,
          retries: 2,
          http: { path: "/" },
        },
      },
    ],
    targets: [{ type: "label_selector", label_selector: { selector: `role=web-${suffix}` } }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await settleActions([res.body.action]);
  lb = { id: res.body.load_balancer.id, ip: res.body.load_balancer.public_net.ipv4.ip };
});

afterAll(async () => {
  if (lb) await hetznerApi("DELETE", `/load_balancers/${lb.id}`);
  if (volumeId) {
    const detach = await hetznerApi("POST", `/volumes/${volumeId}/actions/detach`);
    if (detach.status === 201) await settleActions([detach.body.action]);
    await hetznerApi("DELETE", `/volumes/${volumeId}`);
  }
  for (const s of servers) {
    const res = await hetznerApi("DELETE", `/servers/${s.id}`);
    if (res.status === 200) await settleActions([res.body.action]);
  }
});

async function healthOf(serverId: number): Promise<string | undefined> {
  const { body } = await hetznerApi("GET", `/load_balancers/${lb.id}`);
  const selected = body.load_balancer.targets[0].targets as {
    server: { id: number };
    health_status: { status: string }[];
  }[];
  return selected.find((t) => t.server.id === serverId)?.health_status[0]?.status;
}

describe("a load balancer in front of two servers", () => {
  it("lives on its own address in the load balancer range, as a haproxy container", async () => {
    expect(lb.ip).toMatch(/^127\.0\.3\.\d+$/);
    const running = await exec([
      "docker",
      "inspect",
      "--format",
      "{{.State.Running}}",
      `slipway-lb-${lb.id}`,
    ]);
    expect(running.stdout.trim()).toBe("true");
  });

  it("reports both targets healthy once checked, and spreads requests over both", async () => {
    await eventually(
      async () =>
        (await healthOf(servers[0]!.id)) === "healthy" && (await healthOf(servers[1]!.id)) === "healthy",
      "both targets are healthy",
    );
    const answers = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const res = await get(lb.ip);
      expect(res.status).toBe(200);
      answers.add(res.body);
    }
    expect([...answers].sort()).toEqual(servers.map((s) => s.name).sort());
  });

  it("drops no request while its configuration changes", async () => {
    let stop = false;
    const outcomes: string[] = [];
    const load = (async () => {
      while (!stop) {
        try {
          outcomes.push(String((await get(lb.ip)).status));
        } catch (error) {
          outcomes.push(error instanceof Error ? error.message : String(error));
        }
      }
    })();
    for (const type of ["least_connections", "round_robin"]) {
      const res = await hetznerApi("POST", `/load_balancers/${lb.id}/actions/change_algorithm`, { type });
      await settleActions([res.body.action]);
    }
    stop = true;
    await load;
    process.stderr.write(`[e2e] ${outcomes.length} requests through 2 haproxy reloads\n`);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o !== "200")).toEqual([]);
  });

  it("marks a powered-off server unhealthy and keeps serving from the other", async () => {
    const [off, on] = [servers[0]!, servers[1]!];
    const res = await hetznerApi("POST", `/servers/${off.id}/actions/poweroff`);
    await settleActions([res.body.action]);
    await eventually(async () => (await healthOf(off.id)) === "unhealthy", "the stopped server is unhealthy");
    expect(await healthOf(on.id)).toBe("healthy");
    for (let i = 0; i < 6; i++) expect(await get(lb.ip)).toEqual({ status: 200, body: on.name });
    const back = await hetznerApi("POST", `/servers/${off.id}/actions/poweron`);
    await settleActions([back.body.action]);
  });
});

describe("a volume moved between servers", () => {
  it("keeps what one server wrote for the next", async () => {
    const [a, b] = [servers[0]!, servers[1]!];
    const res = await hetznerApi("POST", "/volumes", {
      name: `lbv-${suffix}`,
      size: 10,
      server: a.id,
      automount: true,
      format: "ext4",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    volumeId = res.body.volume.id as number;
    await settleActions([res.body.action, ...res.body.next_actions]);
    const path = `/mnt/HC_Volume_${volumeId}`;
    expect((await inVm(a.id, `echo written-on-a > ${path}/hello.txt && cat ${path}/hello.txt`)).stdout).toBe(
      "written-on-a",
    );
    const detach = await hetznerApi("POST", `/volumes/${volumeId}/actions/detach`);
    await settleActions([detach.body.action]);
    expect((await inVm(a.id, `cat ${path}/hello.txt`)).code).not.toBe(0);
    const attach = await hetznerApi("POST", `/volumes/${volumeId}/actions/attach`, {
      server: b.id,
      automount: true,
    });
    await settleActions([attach.body.action]);
    expect((await inVm(b.id, `cat ${path}/hello.txt`)).stdout).toBe("written-on-a");
    expect((await hetznerApi("GET", `/servers/${b.id}`)).body.server.volumes).toEqual([volumeId]);
  });
});

describe("across sandbox down and up", () => {
  it("keeps the proxy, its configuration and the volume with its data", async () => {
    const b = servers[1]!;
    await expectCli(["sandbox", "down"], 0);
    const stopped = await exec([
      "docker",
      "inspect",
      "--format",
      "{{.State.Running}}",
      `slipway-lb-${lb.id}`,
    ]);
    expect(stopped.stdout.trim()).toBe("false");
    await expectCli(["sandbox", "up"], 0);
    await serve(b.id, b.name); // its responder was a process of the stopped machine
    await eventually(async () => (await healthOf(b.id)) === "healthy", "the proxy checks the server again");
    expect(await get(lb.ip)).toEqual({ status: 200, body: b.name });
    await eventually(
      async () => (await inVm(b.id, `cat /mnt/HC_Volume_${volumeId}/hello.txt`)).stdout === "written-on-a",
      "the volume is mounted again with its data",
    );
    const status = JSON.parse((await expectCli(["sandbox", "status", "--json"], 0)).stdout) as {
      containers: { name: string; role: string }[];
    };
    expect(status.containers.find((c) => c.name === `slipway-lb-${lb.id}`)?.role).toBe(
      `load balancer ${lb.id}`,
    );
  });
});
