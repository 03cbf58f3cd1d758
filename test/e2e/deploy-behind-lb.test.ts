/**
 * Deploys on two hosts behind a Hetzner load balancer, under load: the hello service on a group of two
 * servers, with a load balancer passing TCP 443 through to their Caddy, gets a steady stream of HTTPS
 * requests at the balancer's address while it is deployed and rolled back. Hosts are released one at a
 * time, so the balancer always has a host serving; not one request may fail.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Load } from "../../bench/load.ts";
import { expectCli, runCli } from "./support/cli.ts";
import { balancerAddress, helloBehindBalancer, setGreeting, startHelloLoad } from "./support/hello-load.ts";
import { expectEveryRequestServed } from "./support/load-checks.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

const STACK = "lbhello";

describe("deploys under load on two hosts behind a load balancer", () => {
  let ws: Workspace;
  let file: string;
  let load: Load;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });

  beforeAll(async () => {
    ws = exampleWorkspace("hello");
    file = join(ws.dir, "slipway.config.ts");
    const stack = helloBehindBalancer(readFileSync(file, "utf8"), STACK);
    writeFileSync(file, stack);
    setGreeting(file, "v1");
    await cli(["up", "--yes"], 0);
    const address = await balancerAddress(ws.env, STACK);
    expect(address).toMatch(/^127\.0\.3\.\d+$/);
    load = startHelloLoad(ws, address, 3000);
  });
  afterAll(async () => {
    await load?.stop();
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("rolls a deploy and a rollback over both hosts, one at a time, without a failed request", async () => {
    setGreeting(file, "v2");
    const deployed = await cli(["deploy", "web"], 0);
    expect(deployed.stdout).toMatch(/service\.release\.web@web-1: \w+ → \w+/);
    expect(deployed.stdout).toMatch(/service\.release\.web@web-2: \w+ → \w+/);
    await cli(["rollback", "web"], 0);
    expect(load.failed()).toBe(0);
  });

  it("served every request through the balancer, from both releases", async () => {
    await expectEveryRequestServed(load, "deploy behind a load balancer", ["v1", "v2"]);
  });
});
