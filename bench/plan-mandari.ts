/**
 * Benchmark: a no-op `slipway plan` of examples/mandari (seed 004, the largest example: two servers,
 * network, placement group, firewall, load balancer, volumes, DNS, bucket, host hardening, Caddy,
 * accessories and five service releases) against the local sandbox. Goal: < 2 s.
 *
 * The sandbox cannot reach ghcr.io or Docker Hub, and its S3 store keeps no versions, so the stack is
 * the example's own file wrapped by a few overrides: every service runs the hello app built on the
 * server (listening on the service's port), no registry or hooks, postgres 15 (the version built from
 * Debian), cx32 servers (cx31 can no longer be ordered), and bucket versioning off (with a plain expiry
 * rule in place of the noncurrent-version one).
 * Everything else is mandari as written.
 *
 *   flock /tmp/slipway-sandbox.lock node --import tsx bench/plan-mandari.ts [--runs N] [--keep]
 *
 * --keep leaves the stack up and prints its directory, for profiling a plan by hand.
 *
 * Needs a running sandbox (`slipway sandbox up`); the stack and its zone are removed at the end.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import ssh2 from "ssh2";
import { CLOUDFLARE_ACCOUNT_ID } from "../src/sandbox/layout.ts";
import { REPO, runCli } from "../test/e2e/support/cli.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, keep: { type: "boolean", default: false } },
});
const runs = Number(values.runs);

const OVERRIDES = `import base from "./mandari.ts";
import { defineStack } from "slipway";

const services = Object.fromEntries(
  Object.entries(base.services).map(([name, s]) => {
    const { image: _image, hooks: _hooks, mounts: _mounts, ...rest } = s as typeof s & { hooks?: unknown; mounts?: unknown };
    return [name, { ...rest, build: { context: "./app" }, env: { ...s.env, PORT: String(("port" in s && s.port) || 8080) } }];
  }),
);
const db = { ...base.accessories.db, version: "15" };
const { registry: _registry, ...stack } = base;
// cx31 can no longer be ordered (Hetzner, and so the sandbox, refuse it); cx32 is its successor.
const servers = Object.fromEntries(Object.entries(base.servers).map(([n, s]) => [n, { ...s, type: "cx32" }]));

export default defineStack({
  ...stack,
  servers,
  services,
  accessories: { ...base.accessories, db },
  buckets: { backups: { ...base.buckets.backups, versioning: false, lifecycle: [{ expireDays: 30 }] } },
} as typeof base);
`;

const dir = mkdtempSync(join(tmpdir(), "slipway-bench-mandari-"));
cpSync(join(REPO, "examples", "mandari", "slipway.config.ts"), join(dir, "mandari.ts"));
cpSync(join(REPO, "examples", "hello", "app"), join(dir, "app"), { recursive: true });
writeFileSync(join(dir, "slipway.config.ts"), OVERRIDES);
const key = ssh2.utils.generateKeyPairSync("ed25519");
writeFileSync(join(dir, "id_ed25519"), key.private, { mode: 0o600 });
const sandbox = await runCli(["sandbox", "env", "--json"]);
if (sandbox.code !== 0) throw new Error(`the sandbox is not running: ${sandbox.stderr}`);
const secret = () => randomBytes(12).toString("hex");
const env: Record<string, string> = {
  ...(JSON.parse(sandbox.stdout) as Record<string, string>),
  SLIPWAY_SSH_KEY: join(dir, "id_ed25519"),
  DATABASE_URL: `postgres://mandari:${secret()}@db/mandari`,
  REDIS_URL: "redis://cache:6379",
  MEILI_MASTER_KEY: secret(),
  DJANGO_SECRET_KEY: secret(),
  POSTGRES_PASSWORD: secret(),
  REDIS_PASSWORD: secret(),
  BACKUP_PASSPHRASE: secret(),
};

async function cli(args: string[], expected = 0) {
  const result = await runCli(args, { cwd: dir, env });
  if (result.code !== expected) {
    throw new Error(`slipway ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

async function cloudflare(method: string, path: string, body?: unknown) {
  const res = await fetch(`${env.CLOUDFLARE_BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as { result: { id: string } };
}

const zone = await cloudflare("POST", "/zones", {
  name: "mandari.example.com",
  account: { id: CLOUDFLARE_ACCOUNT_ID },
});
try {
  const upStarted = performance.now();
  await cli(["up", "--yes"]);
  const upMs = performance.now() - upStarted;
  const times: number[] = [];
  let changes = "";
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const plan = await cli(["plan", "--json", "--detailed-exitcode"]);
    times.push(performance.now() - started);
    changes = JSON.stringify((JSON.parse(plan.stdout) as { summary: unknown }).summary);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const state = JSON.parse(readFileSync(join(dir, ".slipway", "state.json"), "utf8")) as {
    resources: object;
  };
  console.log(
    `stack                examples/mandari (sandbox overrides), ${Object.keys(state.resources).length} resources in state`,
  );
  console.log(`plan summary         ${changes}`);
  console.log(`first up             ${seconds(upMs)}`);
  console.log(`no-op plan           ${runs} runs: ${times.map(seconds).join(", ")}`);
  console.log(
    `                     fastest ${seconds(sorted[0]!)}, median ${seconds(sorted[Math.floor(runs / 2)]!)} (goal < 2 s)`,
  );
  process.exitCode = sorted[Math.floor(runs / 2)]! < 2000 ? 0 : 1;
} finally {
  if (values.keep) {
    console.log(`kept                 ${dir} (env: ${JSON.stringify(env)})`);
    process.exit();
  }
  await runCli(["destroy", "--yes"], { cwd: dir, env });
  await cloudflare("DELETE", `/zones/${zone.result.id}`);
  rmSync(dir, { recursive: true, force: true });
}
