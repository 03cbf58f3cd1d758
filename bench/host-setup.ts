/**
 * How long host setup takes: two fresh servers of test/fixtures/stacks/hosts.slipway.config.ts are
 * created first (`up --target` of the servers alone), then one `up` sets up both hosts in parallel
 * (deploy user, sshd, Docker daemon.json, UFW + DOCKER-USER, fail2ban, upgrades, time zone, packages),
 * then a second `up` finds nothing to do. Prints the three wall times and the no-op run against its
 * 5 s goal; asserts nothing. Needs a running sandbox (`slipway sandbox up`, under the sandbox lock);
 * destroys what it made.
 *
 *   flock /tmp/slipway-sandbox.lock node bench/host-setup.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ssh2 from "ssh2";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "slipway-bench-hosts-"));
writeFileSync(
  join(dir, "slipway.config.ts"),
  readFileSync(join(REPO, "test/fixtures/stacks/hosts.slipway.config.ts"), "utf8"),
);
writeFileSync(join(dir, "id_ed25519"), ssh2.utils.generateKeyPairSync("ed25519").private, { mode: 0o600 });
const sandbox = spawnSync(process.execPath, [join(REPO, "bin/slipway.js"), "sandbox", "env", "--json"], {
  encoding: "utf8",
});
if (sandbox.status !== 0) throw new Error(`slipway sandbox env failed: ${sandbox.stderr}`);
const env = {
  ...process.env,
  ...JSON.parse(sandbox.stdout),
  SLIPWAY_SSH_KEY: join(dir, "id_ed25519"),
  NO_COLOR: "1",
};

function slipway(args: string[]): { seconds: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(REPO, "bin/slipway.js"), ...args], {
    cwd: dir,
    env,
    encoding: "utf8",
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`slipway ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return { seconds, stdout: result.stdout };
}

try {
  const servers = slipway([
    "up",
    "--yes",
    "--target",
    "hetzner.server.web-1",
    "--target",
    "hetzner.server.web-2",
  ]);
  const setup = slipway(["up", "--yes"]);
  const hostSteps = (setup.stdout.match(/^ {2}[+~] host\.\S+/gm) ?? []).length;
  const noop = slipway(["up", "--yes"]);
  if (!noop.stdout.includes("No changes."))
    throw new Error(`the second up changed something:\n${noop.stdout}`);
  console.log(`two servers created through the API:            ${servers.seconds.toFixed(1)} s`);
  console.log(`both hosts set up in parallel (${hostSteps} host resources): ${setup.seconds.toFixed(1)} s`);
  console.log(`second up, nothing to change:                    ${noop.seconds.toFixed(1)} s`);
  console.log(`no-op run / 5 s goal:                            ${(noop.seconds / 5).toFixed(2)}`);
} finally {
  spawnSync(process.execPath, [join(REPO, "bin/slipway.js"), "destroy", "--yes"], { cwd: dir, env });
  rmSync(dir, { recursive: true, force: true });
}
