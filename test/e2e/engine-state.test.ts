/**
 * The engine's state guarantees through the real CLI against the sandbox: a secret from the encrypted
 * secrets file reaches the service but never state or output; a second `up` while one runs is refused
 * naming the first; `plan --target` plans only the target and its dependencies.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCli, runCli } from "./support/cli.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

const SECRET = "e2e-secret-value-7f3a9c";

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("engine state on the sandbox", () => {
  let ws: Workspace;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });
  let output = "";

  beforeAll(() => {
    ws = exampleWorkspace("hello");
    const file = join(ws.dir, "slipway.config.ts");
    const source = readFileSync(file, "utf8")
      .replace('import { defineStack } from "slipway";', 'import { defineStack, secret } from "slipway";')
      .replace('name: "hello"', 'name: "hello-state"')
      .replace(
        'env: { GREETING: "Hello from slipway" }',
        'env: { GREETING: "Hello from slipway", API_TOKEN: secret("API_TOKEN") }',
      );
    writeFileSync(file, source);
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("refuses a second up while one runs, naming the first", async () => {
    const set = await cli(["secrets", "set", "API_TOKEN", SECRET], 0);
    output += set.stdout + set.stderr;
    const first = runCli(["up", "--yes"], { cwd: ws.dir, env: ws.env });
    // Start the second once the first holds the lock (it takes it right after reading the stack file).
    const lockFile = join(ws.dir, ".slipway", "state.lock");
    for (let i = 0; i < 100 && !existsSync(lockFile); i++) await new Promise((r) => setTimeout(r, 100));
    const second = await runCli(["up", "--yes"], { cwd: ws.dir, env: ws.env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Error: state is locked: held by .+@.+ \(pid \d+\) since .+ for "up"/);
    expect(second.stderr).toContain("slipway force-unlock ");
    const up = await first;
    expect(up.code, up.stderr).toBe(0);
    output += up.stdout + up.stderr + second.stdout + second.stderr;
  });

  it("plans only a target and what it depends on", async () => {
    const plan = await cli(["plan", "--json", "--detailed-exitcode", "--target", "hetzner.server.web"], 0);
    const doc = JSON.parse(plan.stdout) as { resource_changes: { address: string; action: string }[] };
    expect(doc.resource_changes.map((c) => c.address).sort()).toEqual(
      ["hetzner.server.web", "hetzner.sshKey.deploy"].sort(),
    );
    const wrong = await cli(["plan", "--target", "hetzner.server.wbe"], 2);
    expect(wrong.stderr).toContain('did you mean "hetzner.server.web"?');
    output += plan.stdout + plan.stderr + wrong.stderr;
  });

  it("keeps the secret out of state, history and everything printed", async () => {
    const plan = await cli(["plan", "--detailed-exitcode"], 0);
    output += plan.stdout + plan.stderr;
    const files = filesUnder(join(ws.dir, ".slipway")).filter((f) => !f.endsWith("key"));
    expect(files.length).toBeGreaterThan(1);
    for (const file of [...files, join(ws.dir, "slipway.secrets.json")]) {
      expect(readFileSync(file, "utf8").includes(SECRET), file).toBe(false);
    }
    expect(output.includes(SECRET)).toBe(false);
    const state = JSON.parse(readFileSync(join(ws.dir, ".slipway", "state.json"), "utf8"));
    expect(state.generated["hetzner.server.web"].hostKeyPrivate).toMatch(/^slipway:v1:/);
  });
});
