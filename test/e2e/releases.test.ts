/**
 * Release history, rollback, the deploy lock and hooks, end to end on the hello stack: each deploy
 * keeps the previous releases on the host, `rollback` brings any of them back, a lock held by someone
 * else stops a deploy naming its holder until `--force`, and a failing preDeploy hook stops a release
 * before it starts, showing the hook's output.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCli, runCli } from "./support/cli.ts";
import { httpsPage } from "./support/pages.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

interface Releases {
  services: {
    releases: { release: string; serving: boolean; running: boolean }[];
    history: { action: string; from: string | null; to: string; result: string; who: string }[];
  }[];
}

describe("releases, rollback, lock and hooks", () => {
  let ws: Workspace;
  let file: string;
  let address: string;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });
  const edit = (change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, "utf8")));
  const setGreeting = (greeting: string) =>
    edit((t) => t.replace(/GREETING: "[^"]*"/, `GREETING: "${greeting}"`));
  const releases = async () => JSON.parse((await cli(["releases", "web", "--json"], 0)).stdout) as Releases;
  const page = async () => {
    const result = await httpsPage(ws, address);
    return result.stdout;
  };

  beforeAll(async () => {
    ws = exampleWorkspace("hello");
    file = join(ws.dir, "slipway.config.ts");
    setGreeting("v1");
    await cli(["up", "--yes"], 0);
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as {
      services: { address: string }[];
    };
    address = status.services[0]!.address;
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("keeps every release with its audit trail, and rolls back to any of them", async () => {
    const first = (await releases()).services[0]!.releases[0]!.release;
    setGreeting("v2");
    await cli(["deploy", "web", "--reason", "ship v2"], 0);
    setGreeting("v3");
    await cli(["deploy", "web"], 0);
    expect(await page()).toContain("v3");

    const listed = (await releases()).services[0]!;
    expect(listed.releases).toHaveLength(3);
    expect(listed.releases.filter((r) => r.serving)).toHaveLength(1);
    expect(listed.releases.filter((r) => r.running)).toHaveLength(1);
    expect(listed.history.map((e) => `${e.action} ${e.result}`)).toEqual([
      "deploy ok",
      "deploy ok",
      "deploy ok",
    ]);
    expect(listed.history[0]!.from).toBeNull();
    expect(listed.history[2]!.from).toBe(listed.history[1]!.to);

    await cli(["rollback", "web", "--to", first], 0);
    expect(await page()).toContain("v1");
    const after = (await releases()).services[0]!;
    expect(after.releases.find((r) => r.serving)?.release).toBe(first);
    expect(after.history.at(-1)).toMatchObject({ action: "rollback", to: first, result: "ok" });

    // Without --to: the newest release that is not serving, v3.
    await cli(["rollback", "web"], 0);
    expect(await page()).toContain("v3");
    const unknown = await cli(["rollback", "web", "--to", "nope"], 1);
    expect(unknown.stderr).toContain('no release "nope" is kept there');
  });

  it("refuses to deploy while someone else holds the lock, until --force", async () => {
    const holder = JSON.stringify({
      who: "alice@laptop",
      since: "2026-01-01T00:00:00Z",
      reason: "hotfix",
      command: "slipway deploy web",
      pid: 1,
    });
    await cli(
      [
        "exec",
        "web",
        "--",
        `sudo mkdir -p /var/lib/slipway/hello/web/lock && echo '${holder}' | sudo tee /var/lib/slipway/hello/web/lock/holder.json`,
      ],
      0,
    );
    setGreeting("v4");
    const refused = await cli(["deploy", "web"], 1);
    expect(refused.stderr).toContain(
      "web on hello-web is being deployed by alice@laptop (slipway deploy web, since 2026-01-01T00:00:00Z, reason: hotfix)",
    );
    expect(refused.stderr).toContain("slipway deploy web --force");
    expect(await page()).toContain("v3");

    await cli(["deploy", "web", "--force"], 0);
    expect(await page()).toContain("v4");
    const lock = await cli(
      ["exec", "web", "--", "test -e /var/lib/slipway/hello/web/lock && echo held || echo free"],
      0,
    );
    expect(lock.stdout).toContain("free");
  });

  it("stops a release whose preDeploy hook fails, showing its output, and runs a passing one", async () => {
    edit((t) =>
      t.replace(
        "env: {",
        'hooks: { preDeploy: ["sh", "-c", "echo migrating from $GREETING; exit 3"] },\n      env: {',
      ),
    );
    setGreeting("v5");
    const failed = await cli(["deploy", "web"], 1);
    expect(failed.stderr).toContain(
      "the preDeploy hook (sh -c echo migrating from $GREETING; exit 3) exited with 3",
    );
    expect(failed.stderr).toContain("migrating from v5");
    expect(await page()).toContain("v4");

    edit((t) => t.replace("exit 3", "exit 0"));
    await cli(["deploy", "web"], 0);
    expect(await page()).toContain("v5");
  });
});
