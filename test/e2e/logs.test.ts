/**
 * `slipway logs` against the sandbox: examples/hello comes up, then the web service's request log
 * (the app prints one line per request, Caddy's health probes included) is read from its server,
 * prefixed by the server's name; `-f` keeps streaming new lines; an unknown service is a usage error.
 * Before that, `slipway cost` and `plan` price the stack from the sandbox's /pricing; after it,
 * `slipway status` and `slipway diagram` show the live values the run left in state.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCli, REPO, runCli } from "./support/cli.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

describe("slipway logs on the sandbox", () => {
  let ws: Workspace;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });

  beforeAll(() => {
    ws = exampleWorkspace("hello");
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("prices the stack from the sandbox's price list, in cost and in plan", async () => {
    const cost = JSON.parse((await cli(["cost", "--json"], 0)).stdout) as {
      total: { net: string; gross: string };
    };
    expect(cost.total).toEqual({ net: "3.7900", gross: "4.5101" });
    const plan = await cli(["plan"], 0);
    expect(plan.stdout).toContain("Monthly cost: +3.79 EUR net (+4.51 gross)");
    expect(plan.stdout).toContain("+3.79  hetzner.server.web (cx22 · fsn1)");
    await cli(["up", "--yes"], 0);
  });

  it("prints the service's log lines prefixed by the server", async () => {
    const logs = await cli(["logs", "web", "--tail", "20"], 0);
    const lines = logs.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^web \| \d\d:\d\d:\d\d\.\d{3} /);
    expect(logs.stdout).toContain("GET /health");
  });

  it("follows new lines with -f", async () => {
    const child = spawn(
      process.execPath,
      [join(REPO, "bin", "slipway.js"), "logs", "web", "-f", "--tail", "0"],
      {
        cwd: ws.dir,
        env: { ...process.env, NO_COLOR: "1", ...ws.env },
      },
    );
    let stdout = "";
    const got = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line within 60 s; so far: ${stdout}`)), 60_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes("\n")) {
          clearTimeout(timer);
          resolve(stdout);
        }
      });
    }).finally(() => child.kill("SIGTERM"));
    // Health probes keep coming, so a new line arrives although --tail 0 printed none of the old ones.
    expect(got.split("\n")[0]).toMatch(/^web \| .*GET \/health/);
  });

  it("is a usage error for a service the stack does not have", async () => {
    const result = await cli(["logs", "wbe"], 2);
    expect(result.stderr).toContain('no service "wbe" in hello; did you mean "web"?');
  });

  it("status shows the server's health and addresses, diagrams show its live address", async () => {
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as {
      servers: { name: string; health: string; address: string; type: string }[];
      services: { name: string; healthy: boolean; replicas: number }[];
    };
    expect(status.servers).toEqual([
      expect.objectContaining({ name: "web", health: "healthy", type: "cx22" }),
    ]);
    expect(status.services).toEqual([expect.objectContaining({ name: "web", healthy: true, replicas: 1 })]);
    const diagram = await cli(["diagram", "--view", "network"], 0);
    expect(diagram.stdout).toContain(`public ${status.servers[0]!.address} · running`);
  });
});
