/**
 * `slipway sandbox fault` against the running sandbox: API errors seen by a client, a partition between
 * two real servers that heals, and a crashed server.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { exec } from "../../src/util/exec.ts";
import { expectCli, runCli } from "./support/cli.ts";
import { createTestServer, eventually, hetznerApi, inServer, type TestServer } from "./support/servers.ts";

const env = () => inject("sandboxEnv");

/** Whether `from` opens a TCP connection to `to`'s sshd within two seconds. */
async function reaches(from: TestServer, to: TestServer): Promise<boolean> {
  return (await inServer(from, `timeout 2 bash -c '</dev/tcp/${to.ip}/22' 2>/dev/null`)).code === 0;
}

const servers: TestServer[] = [];

beforeAll(async () => {
  const suffix = Date.now().toString(36);
  servers.push(await createTestServer(`fault-a-${suffix}`), await createTestServer(`fault-b-${suffix}`));
  const [a, b] = servers as [TestServer, TestServer];
  await eventually(
    async () => (await reaches(a, b)) && (await reaches(b, a)),
    "the two servers reach each other",
  );
});

afterAll(async () => {
  await runCli(["sandbox", "fault", "heal"], { env: env() });
  for (const s of servers) await hetznerApi("DELETE", `/servers/${s.id}`);
});

describe("sandbox fault", () => {
  it("makes the Hetzner API fail and heals it", async () => {
    await expectCli(["sandbox", "fault", "api", "hetzner", "--error-rate", "100%", "--status", "503"], 0, {
      env: env(),
    });
    const failed = await hetznerApi("GET", "/servers");
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe("unavailable");
    const listed = await expectCli(["sandbox", "fault", "list"], 0, { env: env() });
    expect(listed.stdout).toContain("hetzner API: 100% of requests fail with 503");
    await expectCli(["sandbox", "fault", "heal"], 0, { env: env() });
    expect((await hetznerApi("GET", "/servers")).status).toBe(200);
  });

  it("partitions two servers both ways, and heal reconnects them", async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const cut = await expectCli(["sandbox", "fault", "partition", a.name, b.name], 0, { env: env() });
    expect(cut.stdout).toContain("can no longer reach each other");
    expect(await reaches(a, b)).toBe(false);
    expect(await reaches(b, a)).toBe(false);
    await expectCli(["sandbox", "fault", "heal"], 0, { env: env() });
    expect(await reaches(a, b)).toBe(true);
    const rules = await exec(["iptables", "-S", "DOCKER-USER"]);
    expect(rules.stdout).not.toContain("slipway-sandbox-fault");
  });

  it("names the servers that exist when given one that does not", async () => {
    const res = await runCli(["sandbox", "fault", "kill", "no-such-server"], { env: env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("the sandbox has no server named no-such-server");
    expect(res.stderr).toContain(servers[0]?.name);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it("crashes a server, which the API can power on again", async () => {
    const [a, b] = servers as [TestServer, TestServer];
    await expectCli(["sandbox", "fault", "kill", b.name], 0, { env: env() });
    const state = await exec(["docker", "inspect", "--format", "{{.State.Running}}", `slipway-vm-${b.id}`]);
    expect(state.stdout.trim()).toBe("false");
    expect(await reaches(a, b)).toBe(false);
    const poweron = await hetznerApi("POST", `/servers/${b.id}/actions/poweron`);
    expect(poweron.status).toBe(201);
    await eventually(() => reaches(a, b), "the crashed server answers again after poweron");
  });
});
