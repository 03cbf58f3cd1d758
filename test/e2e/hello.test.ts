/**
 * The walking skeleton, end to end against the local sandbox: `slipway up` takes examples/hello from an
 * empty cloud to a page served over HTTPS with a certificate from the sandbox's ACME server; plan then
 * sees no changes, sees a changed env value, `up` rolls it out, and destroy leaves nothing behind.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../src/util/exec.ts";
import { expectCli, runCli } from "./support/cli.ts";
import { httpsPage } from "./support/pages.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

interface Status {
  services: { name: string; url: string; address: string; healthy: boolean; release: string }[];
  servers: { name: string; address: string; status: string }[];
}

async function fetchPage(ws: Workspace, host: string, address: string): Promise<string> {
  const result = await httpsPage(ws, address, host);
  if (result.code !== 0) throw new Error(`curl https://${host}/ at ${address} failed: ${result.stderr}`);
  return result.stdout;
}

async function hetzner(ws: Workspace, path: string): Promise<Record<string, unknown[]>> {
  const res = await fetch(`${ws.env.HCLOUD_ENDPOINT}${path}`, {
    headers: { authorization: `Bearer ${ws.env.HCLOUD_TOKEN}` },
  });
  return (await res.json()) as Record<string, unknown[]>;
}

describe("examples/hello on the sandbox", () => {
  let ws: Workspace;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });

  beforeAll(() => {
    ws = exampleWorkspace("hello");
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("comes up from an empty sandbox and serves its page over HTTPS", async () => {
    const started = Date.now();
    const up = await cli(["up", "--yes"], 0);
    process.stderr.write(`[e2e] hello up from empty in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    // key, server, 7 host settings (user, sshd, docker, timezone, ufw, fail2ban, upgrades), proxy, release
    expect(up.stdout).toContain("Plan: 11 to add, 0 to change, 0 to destroy.");
    expect(up.stdout).toContain("https://hello.slipway.test/");

    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as Status;
    const web = status.services.find((s) => s.name === "web")!;
    expect(web).toMatchObject({ url: "https://hello.slipway.test/", healthy: true });
    expect(web.address).toMatch(/^127\.0\.1\.\d+$/);

    const page = await fetchPage(ws, "hello.slipway.test", web.address);
    expect(page).toContain("Hello from slipway");
  });

  it("plans no changes right after up", async () => {
    const plan = await cli(["plan", "--detailed-exitcode"], 0);
    expect(plan.stdout).toContain("No changes.");
  });

  it("sees a changed env value and a new server, and rolls the env change out", async () => {
    const file = join(ws.dir, "slipway.config.ts");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace('GREETING: "Hello from slipway"', 'GREETING: "Hello again"'));
    const envPlan = await cli(["plan", "--detailed-exitcode"], 2);
    expect(envPlan.stdout).toContain("~ service.release.web@web");
    expect(envPlan.stdout).toMatch(/env\.GREETING\s+= "Hello from slipway" → "Hello again"/);

    const withWorker = readFileSync(file, "utf8").replace(
      'web: { type: "cx22", image: "debian-12" },',
      'web: { type: "cx22", image: "debian-12" },\n    worker: { type: "cx22", image: "debian-12" },',
    );
    writeFileSync(file, withWorker);
    const serverPlan = await cli(["plan", "--detailed-exitcode", "--json"], 2);
    const actions = (
      JSON.parse(serverPlan.stdout) as { resource_changes: { address: string; action: string }[] }
    ).resource_changes
      .filter((c) => c.action !== "noop")
      .map((c) => `${c.action} ${c.address}`);
    expect(actions.sort()).toEqual([
      "create hetzner.server.worker",
      "create host.docker.worker",
      "create host.fail2ban.worker",
      "create host.sshd.worker",
      "create host.timezone.worker",
      "create host.ufw.worker",
      "create host.upgrades.worker",
      "create host.user.worker",
      "update service.release.web@web",
    ]);

    writeFileSync(file, withWorker.replace(/\n {4}worker: .*\n/, "\n"));
    await cli(["up", "--yes"], 0);
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as Status;
    expect(await fetchPage(ws, "hello.slipway.test", status.services[0]!.address)).toContain("Hello again");
    await cli(["plan", "--detailed-exitcode"], 0);
  });

  it("serves again after the server reboots, with nothing to change", async () => {
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as Status & {
      servers: { id: number }[];
    };
    const id = status.servers[0]!.id;
    const res = await fetch(`${ws.env.HCLOUD_ENDPOINT}/servers/${id}/actions/reboot`, {
      method: "POST",
      headers: { authorization: `Bearer ${ws.env.HCLOUD_TOKEN}` },
    });
    expect(res.status).toBe(201);
    const address = status.services[0]!.address;
    let page = "";
    for (let attempt = 0; attempt < 60 && !page.includes("Hello again"); attempt++) {
      page = await fetchPage(ws, "hello.slipway.test", address).catch(() => "");
      if (!page) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(page).toContain("Hello again");
    await cli(["plan", "--detailed-exitcode"], 0);
  });

  it("destroys every server and key it made", async () => {
    const before = JSON.parse((await cli(["status", "--json"], 0)).stdout) as { servers: { id: number }[] };
    const ids = before.servers.map((s) => s.id);
    expect(ids.length).toBeGreaterThan(0);
    await cli(["destroy", "--yes"], 0);
    const servers = await hetzner(ws, "/servers?label_selector=slipway/stack=hello");
    const keys = await hetzner(ws, "/ssh_keys?label_selector=slipway/stack=hello");
    expect(servers.servers).toEqual([]);
    expect(keys.ssh_keys).toEqual([]);
    // Only this stack's machines: another test file's servers may still be on their way out.
    for (const id of ids) {
      const vm = await exec([
        "docker",
        "ps",
        "--all",
        "--quiet",
        "--filter",
        `label=dev.slipway.sandbox.server-id=${id}`,
      ]);
      expect(vm.stdout.trim(), `machine of server ${id}`).toBe("");
    }
  });
});
