/**
 * The Swarm runtime, end to end: the hello app as a Swarm service with two tasks and a Docker secret,
 * reached through Caddy and the service's gateway. Under a steady stream of HTTPS requests it is
 * updated start-first, rolled back, and sent a release whose health check never passes, which Swarm
 * rolls back by itself. Not one request may fail; the secret is a file in the task and nowhere else.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Load } from "../../bench/load.ts";
import { exec } from "../../src/util/exec.ts";
import { expectCli, runCli } from "./support/cli.ts";
import { neverHealthy, setGreeting, startHelloLoad } from "./support/hello-load.ts";
import { expectEveryRequestServed } from "./support/load-checks.ts";
import { httpsPage } from "./support/pages.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

const STACK = "swarmy";

describe("a swarm service", () => {
  let ws: Workspace;
  let file: string;
  let load: Load;
  let address: string;
  let vm: string;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });
  const inVm = async (script: string) =>
    (await exec(["docker", "exec", vm, "sh", "-c", script])).stdout.trim();
  const page = async () => (await httpsPage(ws, address)).stdout;
  const secretInTask = () =>
    inVm(`docker exec $(docker ps -q --filter name=${STACK}_web | head -n1) cat /run/secrets/api_key`);

  beforeAll(async () => {
    ws = exampleWorkspace("hello");
    file = join(ws.dir, "slipway.config.ts");
    const text = readFileSync(file, "utf8")
      .replace('import { defineStack } from "slipway";', 'import { defineStack, secret } from "slipway";')
      .replace('name: "hello"', `name: "${STACK}"`)
      .replace(
        /env: \{ GREETING: "[^"]*" \},/,
        'env: { GREETING: "v1" },\n      runtime: "swarm",\n      replicas: 2,\n      drain: "5s",\n      secrets: { api_key: secret("SWARMY_API_KEY") },',
      );
    writeFileSync(file, text);
    ws.env.SWARMY_API_KEY = "key-one-7f3a9c";
    await cli(["up", "--yes"], 0);
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as {
      services: { address: string; server: string; healthy: boolean }[];
      servers: { id: number }[];
    };
    expect(status.services[0]).toMatchObject({ server: "swarm", healthy: true });
    address = status.services[0]!.address;
    vm = `slipway-vm-${status.servers[0]!.id}`;
  });
  afterAll(async () => {
    await load?.stop();
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("runs two healthy tasks behind Caddy, with the secret as a file only", async () => {
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const body = await page();
      expect(body).toContain("v1 (served by");
      served.add(body);
    }
    expect(served.size).toBe(2);
    expect(await secretInTask()).toBe("key-one-7f3a9c");
    const spec = await inVm(`docker service inspect ${STACK}_web`);
    expect(spec).toContain('"Order": "start-first"');
    expect(spec).toContain('"FailureAction": "rollback"');
    expect(spec).not.toContain("key-one-7f3a9c");
    const plan = await cli(["plan", "--detailed-exitcode"], 0);
    expect(plan.stdout).toContain("No changes.");
  });

  it("updates start-first and rolls back without a failed request", async () => {
    load = startHelloLoad(ws, address, 1500);
    setGreeting(file, "v2");
    ws.env.SWARMY_API_KEY = "key-two-0b1d2e";
    const deployed = await cli(["deploy", "web"], 0);
    expect(deployed.stdout).toContain("secrets.api_key");
    expect(deployed.stdout).not.toContain("key-two-0b1d2e");
    expect(await page()).toContain("v2 (served by");
    expect(await secretInTask()).toBe("key-two-0b1d2e");
    // The new secret and the previous one, which a rollback needs; none older.
    expect((await inVm(`docker secret ls --format '{{.Name}}' | grep -c ^${STACK}_web_`)).trim()).toBe("2");

    const rolledBack = await cli(["rollback", "web"], 0);
    expect(rolledBack.stdout).toMatch(/service\.swarm\.web: \w+ → \w+/);
    expect(await page()).toContain("v1 (served by");
  });

  it("is rolled back by Swarm when a release never becomes healthy", async () => {
    const text = readFileSync(file, "utf8");
    writeFileSync(file, neverHealthy(text));
    const failed = await cli(["deploy", "web"], 1);
    expect(failed.stderr).toContain("did not become healthy on the swarm");
    expect(failed.stderr).toContain("Swarm rolled back to the previous release, which keeps serving");
    expect(failed.stderr).toContain("listening on 0.0.0.0:9999");
    writeFileSync(file, text);
    expect(await page()).not.toContain("broken");
    const releases = await cli(["releases", "web"], 0);
    expect(releases.stdout).toMatch(/deploy\s+\w+ → \w+ failed/);
  });

  it("served every request of the run", async () => {
    await expectEveryRequestServed(load, "swarm under load", ["v1", "v2"]);
  });
});
