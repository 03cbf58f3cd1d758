/**
 * Benchmark: zero failed requests during deploys, on one host of the local sandbox or (--hosts 2) on
 * two hosts behind a Hetzner load balancer, released one at a time. Brings up examples/hello, sends a steady HTTPS stream (keep-alive and fresh connections alternating) to its
 * public loopback address, and meanwhile runs deploy → rollback cycles until the stream has sent its
 * total, plus one release whose health check never passes. Prints the failed requests (goal 0) and
 * release times as ratios to their floor: from starting the new container to its health gate passing,
 * measured by the same releases (goal ≤ 1.5×).
 *
 *   flock /tmp/slipway-sandbox.lock node --import tsx bench/deploy-under-load.ts [--requests N] [--rate R] [--hosts 1|2]
 *
 * Needs a running sandbox (`slipway sandbox up`); the stack is destroyed at the end.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import ssh2 from "ssh2";
import { REPO, runCli } from "../test/e2e/support/cli.ts";
import { balancerAddress, helloBehindBalancer } from "../test/e2e/support/hello-load.ts";
import { startLoad } from "./load.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    rate: { type: "string", default: "100" },
    hosts: { type: "string", default: "1" },
  },
});
if (values.hosts !== "1" && values.hosts !== "2")
  throw new Error(`--hosts: expected 1 or 2, got ${values.hosts}`);
const twoHosts = values.hosts === "2";
const STACK = twoHosts ? "lbbench" : "hello";
const total = Number(values.requests);
const rate = Number(values.rate);

const dir = mkdtempSync(join(tmpdir(), "slipway-bench-deploy-"));
cpSync(join(REPO, "examples", "hello"), dir, { recursive: true, filter: (s) => !s.includes(".slipway") });
const key = ssh2.utils.generateKeyPairSync("ed25519");
writeFileSync(join(dir, "id_ed25519"), key.private, { mode: 0o600 });
const sandbox = await runCli(["sandbox", "env", "--json"]);
if (sandbox.code !== 0) throw new Error(`the sandbox is not running: ${sandbox.stderr}`);
const env: Record<string, string> = {
  ...(JSON.parse(sandbox.stdout) as Record<string, string>),
  SLIPWAY_SSH_KEY: join(dir, "id_ed25519"),
};
const file = join(dir, "slipway.config.ts");

async function cli(args: string[], expected = 0) {
  const result = await runCli(args, { cwd: dir, env });
  if (result.code !== expected) {
    throw new Error(`slipway ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

function setGreeting(text: string, greeting: string): string {
  return text.replace(/GREETING: "[^"]*"/, `GREETING: "${greeting}"`);
}

interface Entry {
  action: string;
  result: string;
  ms: number;
  healthyMs?: number;
  switchedMs?: number;
}

const example = readFileSync(file, "utf8");
const original = twoHosts ? helloBehindBalancer(example, STACK) : example;
try {
  writeFileSync(file, setGreeting(original, "v1"));
  await cli(["up", "--yes"]);
  const status = JSON.parse((await cli(["status", "--json"])).stdout) as { services: { address: string }[] };
  const address = twoHosts ? await balancerAddress(env, STACK) : status.services[0]!.address;
  const load = startLoad(
    { address, host: "hello.slipway.test", path: "/", ca: readFileSync(env.SLIPWAY_SANDBOX_CA!, "utf8") },
    { ratePerSecond: rate, maxRequests: total },
  );
  const timings: { action: string; wallMs: number }[] = [];
  const timed = async (action: string, args: string[], expected = 0) => {
    const started = performance.now();
    await cli(args, expected);
    timings.push({ action, wallMs: performance.now() - started });
  };
  let cycle = 0;
  while (load.counts.sent < total * 0.85) {
    cycle++;
    writeFileSync(file, setGreeting(original, `v${cycle + 1}`));
    await timed("deploy", ["deploy", "web"]);
    await timed("rollback", ["rollback", "web"]);
  }
  writeFileSync(
    file,
    setGreeting(original, "broken")
      .replace('GREETING: "broken"', 'GREETING: "broken", PORT: "9999"')
      .replace('deadline: "60s"', 'deadline: "5s"'),
  );
  await timed("failing deploy", ["deploy", "web"], 1);
  // The stream stops by itself at its total; the run counts every request of it.
  while (load.counts.sent < total) await new Promise((r) => setTimeout(r, 100));
  const counts = await load.stop();

  const history = JSON.parse((await cli(["releases", "web", "--json"])).stdout) as {
    services: { history: Entry[] }[];
  };
  // Per host: each host's audit log holds its own releases.
  const entries = history.services.flatMap((s) => s.history).filter((e) => e.result === "ok" && e.healthyMs);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const mean = (xs: number[]) => sum(xs) / xs.length;
  const nonOk = sum(Object.values(counts.statuses));
  const connErrors = sum(Object.values(counts.errors));
  const floor = mean(entries.map((e) => e.healthyMs!));
  const switched = mean(entries.map((e) => e.switchedMs!));
  const hostMs = mean(entries.map((e) => e.ms));
  const ok = timings.filter((t) => t.action !== "failing deploy");
  const wallMs = mean(ok.map((t) => t.wallMs));
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

  console.log(
    `hosts                ${twoHosts ? `2 behind a load balancer at ${address}` : `1 at ${address}`}`,
  );
  console.log(
    `requests sent        ${counts.sent} at ${rate}/s (keep-alive and fresh connections alternating)`,
  );
  console.log(`2xx                  ${counts.ok}`);
  console.log(`non-2xx              ${nonOk} ${JSON.stringify(counts.statuses)}`);
  console.log(`connection errors    ${connErrors} ${JSON.stringify(counts.errors)}`);
  console.log(`releases served      ${JSON.stringify(counts.bodies)}`);
  console.log(`deploys + rollbacks  ${ok.length} (${cycle} cycles) and 1 release that never became healthy`);
  console.log(
    `floor                ${seconds(floor)} (container start → health gate passed, mean of ${entries.length})`,
  );
  console.log(
    `switched             ${seconds(switched)} = ${(switched / floor).toFixed(2)}× floor (lock → new release takes all new requests)`,
  );
  console.log(
    `release on the host  ${seconds(hostMs)} = ${(hostMs / floor).toFixed(2)}× floor (lock → old release drained and stopped)`,
  );
  console.log(
    `slipway command      ${seconds(wallMs)} = ${(wallMs / floor).toFixed(2)}× floor (whole CLI run: plan, SSH, release)`,
  );
  console.log(`failed requests      ${nonOk + connErrors} (goal 0)`);
  process.exitCode = nonOk + connErrors === 0 ? 0 : 1;
} finally {
  await runCli(["destroy", "--yes"], { cwd: dir, env });
  rmSync(dir, { recursive: true, force: true });
}
