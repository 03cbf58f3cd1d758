/**
 * The checks, scans and build jobs of the generated workflow. Images are built once, on a push to a
 * deploy branch, pushed by digest with the tags the stack asks for, scanned by Trivy, and the digest
 * handed to every deploy stage, so staging and production run the very same bytes.
 */
import { relative, resolve } from "node:path";
import type { Stack } from "../../config/index.ts";
import { ACTIONS, gh, type Job, type Step } from "./actions.ts";

export interface BuildContext {
  stack: Stack;
  /** Directory of the stack file, relative to the repository root ("" when at the root). */
  configDir: string;
}

/** The registry repository a built service is pushed to: `<server>/<namespace>/<service>`. */
export function imageName(ctx: BuildContext, service: string): string {
  const registry = ctx.stack.registry;
  return registry
    ? `${registry.server}/${registry.namespace}/${service}`
    : `ghcr.io/\${{ github.repository }}/${service}`;
}

export function builtServices(stack: Stack): string[] {
  return Object.entries(stack.services)
    .filter(([, s]) => s.build !== undefined)
    .map(([name]) => name);
}

export function stepId(prefix: string, name: string): string {
  return `${prefix}-${name}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

export function checksJob(stack: Stack): Job {
  const ci = stack.ci!;
  const node: Step[] = ci.node
    ? [
        { uses: ACTIONS.setupNode, with: { "node-version": ci.node, cache: "npm" } },
        { name: "Install dependencies", run: "npm ci" },
      ]
    : [];
  const checks = Object.entries(ci.checks).map(([name, run]): Step => ({ name, run }));
  return {
    name: "Lint and test",
    "runs-on": "ubuntu-latest",
    steps: [
      { uses: ACTIONS.checkout },
      ...node,
      ...(checks.length ? checks : [{ name: "No checks configured", run: "true" }]),
    ],
  };
}

export function scanJobs(stack: Stack): Record<string, Job> {
  const scans = stack.ci!.scans;
  const jobs: Record<string, Job> = {};
  if (scans.includes("gitleaks")) {
    jobs.gitleaks = {
      name: "Secret scan (Gitleaks)",
      "runs-on": "ubuntu-latest",
      steps: [
        { uses: ACTIONS.checkout, with: { "fetch-depth": 0 } },
        { uses: ACTIONS.gitleaks, env: { GITHUB_TOKEN: gh("secrets.GITHUB_TOKEN") } },
      ],
    };
  }
  if (scans.includes("codeql")) {
    jobs.codeql = {
      name: "Code scan (CodeQL)",
      "runs-on": "ubuntu-latest",
      permissions: { actions: "read", contents: "read", "security-events": "write" },
      steps: [
        { uses: ACTIONS.checkout },
        { uses: ACTIONS.codeqlInit },
        { uses: ACTIONS.codeqlAutobuild },
        { uses: ACTIONS.codeqlAnalyze },
      ],
    };
  }
  if (scans.includes("trivy")) {
    jobs.trivy = {
      name: "Dependency and config scan (Trivy)",
      "runs-on": "ubuntu-latest",
      steps: [
        { uses: ACTIONS.checkout },
        {
          uses: ACTIONS.trivy,
          with: {
            "scan-type": "fs",
            "scan-ref": ".",
            severity: "CRITICAL,HIGH",
            "ignore-unfixed": true,
            "exit-code": "1",
          },
        },
      ],
    };
  }
  return jobs;
}

/** Logs in to the stack's registry: GHCR with the workflow's own token, others with named secrets. */
export function loginStep(stack: Stack): Step {
  const registry = stack.registry;
  const server = registry?.server ?? "ghcr.io";
  // GHCR takes the workflow's own token; elsewhere the password's secret, never a literal value.
  const ghcr = server === "ghcr.io" || !registry?.password;
  const secret = typeof registry?.password === "object" ? registry.password.secret : "REGISTRY_PASSWORD";
  return {
    name: `Log in to ${server}`,
    uses: ACTIONS.login,
    with: {
      registry: server,
      username: ghcr ? gh("github.actor") : (registry?.username ?? gh("github.actor")),
      password: ghcr ? gh("secrets.GITHUB_TOKEN") : `\${{ secrets.${secret} }}`,
    },
  };
}

export function buildJob(ctx: BuildContext, needs: string[], deployIf: string): Job {
  const { stack } = ctx;
  const ci = stack.ci!;
  const steps: Step[] = [{ uses: ACTIONS.checkout }, { uses: ACTIONS.setupBuildx }, loginStep(stack)];
  const outputs: Record<string, string> = {};
  for (const name of builtServices(stack)) {
    const build = stack.services[name]!.build!;
    const image = imageName(ctx, name);
    const context = relative(".", resolve(ctx.configDir || ".", build.context)) || ".";
    const tags = [
      ...(ci.imageTags.includes("sha") ? [`${image}:\${{ github.sha }}`] : []),
      ...(ci.imageTags.includes("latest") ? [`${image}:latest`] : []),
    ];
    const id = stepId("build", name);
    steps.push({
      name: `Build and push ${name}`,
      id,
      uses: ACTIONS.buildPush,
      with: {
        context,
        file: `${context}/${build.dockerfile}`,
        ...(build.target ? { target: build.target } : {}),
        ...(build.platform ? { platforms: build.platform } : {}),
        ...(Object.keys(build.args).length
          ? {
              "build-args": Object.entries(build.args)
                .map(([k, v]) => `${k}=${v}`)
                .join("\n"),
            }
          : {}),
        push: true,
        tags: (tags.length ? tags : [`${image}:\${{ github.sha }}`]).join("\n"),
        "cache-from": `type=gha,scope=${name}`,
        "cache-to": `type=gha,mode=max,scope=${name}`,
      },
    });
    if (ci.scans.includes("trivy")) {
      steps.push({
        name: `Scan ${name} image (Trivy)`,
        uses: ACTIONS.trivy,
        with: {
          "image-ref": `${image}@\${{ steps.${id}.outputs.digest }}`,
          severity: "CRITICAL,HIGH",
          "ignore-unfixed": true,
          "exit-code": "1",
        },
      });
    }
    outputs[name] = `${image}@\${{ steps.${id}.outputs.digest }}`;
  }
  return {
    name: "Build images once",
    needs,
    if: deployIf,
    "runs-on": "ubuntu-latest",
    permissions: { contents: "read", packages: "write" },
    outputs,
    steps,
  };
}
