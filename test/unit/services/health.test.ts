// The health gate: probe argv, and the waitHealthy loop run for real with sh against local probes.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type HealthCheck, healthProbe, waitHealthy } from "../../../src/services/commands/health.ts";

const check: HealthCheck = { path: "/up", interval: 10, timeout: 2500, healthyThreshold: 1, deadline: 2000 };

function run(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A probe that answers from a list, one entry per call ("pass" or "fail"), counting calls in a file. */
function scripted(answers: string[]): string[] {
  const counter = join(mkdtempSync(join(tmpdir(), "slipway-health-")), "count");
  const script = `n=$(($(cat "$1" 2>/dev/null || echo 0) + 1)); echo "$n" > "$1"; shift "$n"; [ "$1" = pass ]`;
  return ["sh", "-c", script, "probe", counter, ...answers];
}

describe("healthProbe", () => {
  it("GETs the health path on the published loopback port with a time limit", () => {
    expect(healthProbe("shop-web-1", "127.0.0.1:32768", check)).toEqual([
      "curl",
      "-fsS",
      "-o",
      "/dev/null",
      "--max-time",
      "2.500",
      "http://127.0.0.1:32768/up",
    ]);
  });

  it("runs a configured command inside the container instead, under timeout", () => {
    expect(healthProbe("shop-web-1", "127.0.0.1:32768", { ...check, command: ["pg_isready", "-q"] })).toEqual(
      ["timeout", "2.500", "docker", "exec", "shop-web-1", "pg_isready", "-q"],
    );
  });

  it("checks that a worker without a port is still running", () => {
    expect(healthProbe("shop-worker-1", null, check)).toEqual([
      "sh",
      "-c",
      '[ "$(docker inspect --format "{{.State.Running}}" "$1")" = true ]',
      "running",
      "shop-worker-1",
    ]);
  });
});

describe("waitHealthy", () => {
  it("passes deadline, threshold and interval as arguments before the probe", () => {
    const argv = waitHealthy(["true"], { ...check, interval: 1500, healthyThreshold: 3, deadline: 60000 });
    expect(argv.slice(3)).toEqual(["wait-healthy", "60000", "3", "1.500", "true"]);
  });

  it.each([
    ["a probe that passes at once", ["true"], 1, "healthy after 1 probes"],
    ["a probe that must pass three times in a row", ["true"], 3, "healthy after 3 probes"],
    ["a probe that fails twice then passes", scripted(["fail", "fail", "pass"]), 1, "healthy after 3 probes"],
    [
      "a probe whose streak is broken once",
      scripted(["pass", "fail", "pass", "pass"]),
      2,
      "healthy after 4 probes",
    ],
  ])("exits 0 for %s, saying when the first probe passed", async (_, probe, healthyThreshold, healthy) => {
    const result = await run(waitHealthy(probe, { ...check, healthyThreshold }));
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(new RegExp(`^${healthy}; first pass at \\d+ ms\n$`));
  });

  it("exits 1 at the deadline, counting the probes", async () => {
    const result = await run(waitHealthy(["false"], { ...check, deadline: 100 }));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^not healthy after \d+ probes in 0 s: \n$/);
    expect(Number(/after (\d+)/.exec(result.stderr)?.[1])).toBeGreaterThan(1);
  });

  it("ends its failure with what the last probe printed on stderr", async () => {
    const probe = ["sh", "-c", "echo 'curl: (7) Failed to connect' >&2; exit 7"];
    const result = await run(waitHealthy(probe, { ...check, deadline: 50 }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^not healthy after \d+ probes in 0 s: curl: \(7\) Failed to connect\n$/);
  });

  it("reports each check's own probe error when two run at once on one host", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-health-"));
    const [aDone, bDone] = [join(dir, "a"), join(dir, "b")];
    // a's probe fails first; b's probe then fails with its own message while a is still deciding.
    const probeA = [
      "sh",
      "-c",
      `echo a-refused >&2; touch ${aDone}; while [ ! -e ${bDone} ]; do sleep 0.01; done; sleep 0.1; exit 1`,
    ];
    const probeB = [
      "sh",
      "-c",
      `while [ ! -e ${aDone} ]; do sleep 0.01; done; echo b-refused >&2; touch ${bDone}; exit 1`,
    ];
    const [a, b] = await Promise.all([
      run(waitHealthy(probeA, { ...check, deadline: 50 })),
      run(waitHealthy(probeB, { ...check, deadline: 50 })),
    ]);
    expect(a.stderr).toMatch(/: a-refused\n$/);
    expect(b.stderr).toMatch(/: b-refused\n$/);
  });

  it.each([
    ["passing", ["true"], 0],
    ["failing", ["sh", "-c", "echo no >&2; exit 1"], 1],
  ])("leaves no temporary file behind when %s", async (_, probe, code) => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-health-tmp-"));
    const result = await run(waitHealthy(probe, { ...check, deadline: 50 }), { ...process.env, TMPDIR: dir });
    expect(result.code).toBe(code);
    expect(readdirSync(dir)).toEqual([]);
  });
});
