/**
 * Deploys under load, end to end: a steady stream of HTTPS requests (keep-alive and fresh connections)
 * goes to the hello stack's public address while it is deployed, rolled back, deployed again, and sent
 * a release whose health check never passes. Not one request may fail, and the failed release must
 * leave the previous one serving with an error that shows the container's last log lines.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Load } from "../../bench/load.ts";
import { expectCli, runCli } from "./support/cli.ts";
import { neverHealthy, setGreeting, startHelloLoad } from "./support/hello-load.ts";
import { expectEveryRequestServed } from "./support/load-checks.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

describe("deploys under load on one host", () => {
  let ws: Workspace;
  let file: string;
  let load: Load;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });

  beforeAll(async () => {
    ws = exampleWorkspace("hello");
    file = join(ws.dir, "slipway.config.ts");
    setGreeting(file, "v1");
    await cli(["up", "--yes"], 0);
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as {
      services: { address: string }[];
    };
    load = startHelloLoad(ws, status.services[0]!.address, 2000);
  });
  afterAll(async () => {
    await load?.stop();
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("deploys, rolls back and deploys again without a failed request", async () => {
    setGreeting(file, "v2");
    const deployed = await cli(["deploy", "web"], 0);
    expect(deployed.stdout).toMatch(/service\.release\.web@web: \w+ → \w+/);

    const rolledBack = await cli(["rollback", "web"], 0);
    expect(rolledBack.stdout).toMatch(/service\.release\.web@web: \w+ → \w+/);

    await cli(["deploy", "web"], 0);
    expect(load.failed()).toBe(0);
  });

  it("keeps the old release serving when the new one never becomes healthy", async () => {
    const text = readFileSync(file, "utf8");
    // The app listens where the stack does not expect it, so its health check can never pass.
    writeFileSync(file, neverHealthy(text));
    const failed = await cli(["deploy", "web"], 1);
    expect(failed.stderr).toContain("did not pass its health check");
    expect(failed.stderr).toContain("the previous release keeps serving");
    expect(failed.stderr).toContain("Last log lines of hello-web-");
    expect(failed.stderr).toContain("listening on 0.0.0.0:9999");
    writeFileSync(file, text);
    const releases = await cli(["releases", "web"], 0);
    expect(releases.stdout).toMatch(/deploy\s+\w+ → \w+ failed/);
  });

  it("served every request of the run, from each release that went live", async () => {
    await expectEveryRequestServed(load, "deploy under load", ["v1", "v2"]);
  });
});
