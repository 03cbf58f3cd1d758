/**
 * Generated GitHub Actions workflows: every example with a `ci` section passes action-validator (the
 * published workflow schema, compiled to WebAssembly), regenerating gives the same bytes, `--check`
 * fails on a stale or missing file, and secrets appear only as `${{ secrets.NAME }}`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { main } from "../../../src/cli/main.ts";
import { loadStack } from "../../../src/config/index.ts";
import { gh } from "../../../src/insight/ci/actions.ts";
import { secretList, type WorkflowInputs, workflowYaml } from "../../../src/insight/ci/workflow.ts";
import { examplesDir } from "./support.ts";

async function inputs(name: string): Promise<WorkflowInputs> {
  const file = join(examplesDir, name, "slipway.config.ts");
  const { stack } = await loadStack(file);
  const merged = new Map([["production", stack]]);
  for (const stage of stack.ci!.deploy)
    if (!merged.has(stage.environment))
      merged.set(stage.environment, (await loadStack(file, { environment: stage.environment })).stack);
  return {
    stack,
    stackFor: (env) => merged.get(env)!,
    configFile: `examples/${name}/slipway.config.ts`,
    configDir: `examples/${name}`,
    slipwayVersion: "0.1.0",
  };
}

type Workflow = {
  on: { push: { "paths-ignore"?: string[] } };
  jobs: Record<
    string,
    {
      needs?: string[];
      environment?: { name: string };
      steps: { run?: string; uses?: string; with?: Record<string, unknown>; if?: string }[];
    }
  >;
};

describe.each(["mau", "tux", "isntgram"])("workflow of examples/%s", (name) => {
  it("passes action-validator", async () => {
    const result = validateWorkflow(workflowYaml(await inputs(name)));
    expect(result.errors).toEqual([]);
  });

  it("is the same text every time", async () => {
    expect(workflowYaml(await inputs(name))).toBe(workflowYaml(await inputs(name)));
  });

  it("names secrets and never inlines a value", async () => {
    const text = workflowYaml(await inputs(name));
    const workflow = parse(text) as Workflow;
    for (const job of Object.values(workflow.jobs)) {
      for (const [key, value] of Object.entries((job as { env?: Record<string, string> }).env ?? {})) {
        if (key === "SLIPWAY_SSH_KEY") continue;
        expect(value).toBe(`\${{ secrets.${key} }}`);
      }
    }
    expect(secretList(await inputs(name))).toContain("HCLOUD_TOKEN");
    expect(secretList(await inputs(name))).toContain("SLIPWAY_SSH_PRIVATE_KEY");
  });
});

describe("what the workflows do", () => {
  it("validator rejects a broken workflow (so a pass means something)", () => {
    expect(validateWorkflow("on: push\njobs:\n  a:\n    steps: []\n").errors.length).toBeGreaterThan(0);
  });

  it("isntgram: scans, one build pushed with latest and sha tags, approval, health check, rollback", async () => {
    const workflow = parse(workflowYaml(await inputs("isntgram"))) as Workflow;
    expect(Object.keys(workflow.jobs)).toEqual([
      "checks",
      "gitleaks",
      "codeql",
      "trivy",
      "build",
      "deploy-production",
    ]);
    expect(workflow.jobs.build!.needs).toEqual(["checks", "gitleaks", "codeql", "trivy"]);
    const build = workflow.jobs.build!.steps.find((s) => s.uses?.startsWith("docker/build-push-action"));
    expect(build?.with?.tags).toBe(
      `ghcr.io/acme/isntgram/web:${gh("github.sha")}\nghcr.io/acme/isntgram/web:latest`,
    );
    const deploy = workflow.jobs["deploy-production"]!;
    expect(deploy.environment?.name).toBe("production");
    const runs = deploy.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain(`slipway deploy web --image '${gh("needs.build.outputs.web")}'`);
    expect(runs).toContain(
      "curl --fail --silent --show-error --retry 10 --retry-delay 3 --retry-all-errors https://isntgram.example.com/health",
    );
    expect(runs).toContain(`ghcr.io/acme/isntgram/web:production-${gh("github.run_number")}`);
    expect(deploy.steps.at(-1)).toEqual({
      name: "Roll back on failure",
      if: "failure()",
      run: "slipway rollback -c examples/isntgram/slipway.config.ts",
    });
  });

  it("tux: staging first, production after it; mau: docs-only pushes skipped, infrastructure applied", async () => {
    const tux = parse(workflowYaml(await inputs("tux"))) as Workflow;
    expect(tux.jobs["deploy-production"]!.needs).toEqual(["deploy-staging", "build"]);
    expect(tux.jobs["deploy-staging"]!.steps.map((s) => s.run ?? "").join("\n")).not.toContain("imagetools");
    expect(tux.jobs["deploy-staging"]!.steps.map((s) => s.run ?? "")).toContain(
      `slipway deploy api --image '${gh("needs.build.outputs.api")}' -c examples/tux/slipway.config.ts --environment staging`,
    );
    const mau = parse(workflowYaml(await inputs("mau"))) as Workflow;
    expect(mau.on.push["paths-ignore"]).toEqual(["docs/**", "**/*.md"]);
    expect(mau.jobs.build).toBeUndefined();
    expect(mau.jobs["deploy-production"]!.steps.map((s) => s.run ?? "")).toContain(
      "slipway up --yes -c examples/mau/slipway.config.ts",
    );
  });
});

describe("slipway ci generate", () => {
  async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = "";
    const err = vi.spyOn(process.stderr, "write").mockImplementation((c) => {
      stderr += String(c);
      return true;
    });
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      return { code: await main(argv), stderr };
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  }
  const config = join(examplesDir, "isntgram", "slipway.config.ts");

  it("writes, is idempotent, and --check fails on a stale or missing file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "slipway-ci-")), "deploy.yml");
    expect((await run(["ci", "generate", "-c", config, "--check", "-o", file])).code).toBe(1);
    expect((await run(["ci", "generate", "-c", config, "-o", file])).code).toBe(0);
    const first = readFileSync(file, "utf8");
    expect((await run(["ci", "generate", "-c", config, "-o", file])).stderr).toContain("up to date");
    expect(readFileSync(file, "utf8")).toBe(first);
    expect((await run(["ci", "generate", "-c", config, "--check", "-o", file])).code).toBe(0);
    writeFileSync(file, first.replace("npm test -- --coverage", "npm test"));
    const stale = await run(["ci", "generate", "-c", config, "--check", "-o", file]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("is stale");
  });

  it("is a usage error for a stack without ci or another provider", async () => {
    const hello = await run([
      "ci",
      "generate",
      "-c",
      join(examplesDir, "hello", "slipway.config.ts"),
      "--stdout",
    ]);
    expect(hello.code).toBe(2);
    expect(hello.stderr).toContain("has no ci section");
    expect((await run(["ci", "generate", "-c", config, "--provider", "gitlab", "--stdout"])).code).toBe(2);
  });
});
