/**
 * The CI/CD pipeline `slipway ci generate` writes (GitHub Actions): checks and scans on every push and
 * pull request, then deploys through the listed environments in order, each optionally behind a manual
 * approval (a GitHub Environment with required reviewers of the same name). A failed health gate rolls
 * the release back by itself, so the pipeline has no separate rollback step.
 */
import { z } from "zod";
import { oneOf, resourceName, text } from "./primitives.ts";

export const DeployStage = z.strictObject({
  /** "production" (the stack as written) or a key of `environments`. @example "staging" */
  environment: resourceName("environment", "staging"),
  /** Wait for a reviewer's approval before this stage. Default false. */
  approval: z.boolean({ error: "expected true or false" }).default(false),
});
export type DeployStage = z.infer<typeof DeployStage>;

const GLOB_MESSAGE = 'expected a path glob such as "docs/**"';

export const Ci = z
  .strictObject({
    /** Where the pipeline runs. Only "github" for now. Default "github". */
    provider: z.literal("github", { error: 'expected "github"' }).default("github"),
    /** Pushes to these branches deploy. Default ["main"]. */
    branches: z
      .array(text(/^[\w./*-]+$/, 'expected a branch name such as "main"'))
      .min(1)
      .default(["main"]),
    /** Pushes touching only these paths do not run the pipeline. Default []. @example ["docs/**", "**\/*.md"] */
    ignorePaths: z.array(z.string({ error: GLOB_MESSAGE }).min(1, { error: GLOB_MESSAGE })).default([]),
    /** Node.js version set up for `checks`. @example "20" */
    node: text(/^\d+(?:\.\d+){0,2}$|^lts\/\*$/, 'expected a Node.js version such as "20"').optional(),
    /** Commands that must pass before images are built, by name. Default {}. @example { lint: "npm run lint", test: "npm test" } */
    checks: z
      .record(
        resourceName("check", "lint"),
        z.string({ error: 'expected a command such as "npm test"' }).min(1),
      )
      .default({}),
    /** Security scans: CodeQL (code), Gitleaks (committed secrets), Trivy (images). Default []. */
    scans: z.array(oneOf(["codeql", "gitleaks", "trivy"])).default([]),
    /** Tags pushed for built images: "sha" (commit), "latest", "env-version" ("<environment>-<version>"). Default ["sha"]. */
    imageTags: z
      .array(oneOf(["sha", "latest", "env-version"]))
      .min(1)
      .default(["sha"]),
    /** Run `slipway up` (infrastructure changes) before each deploy. Default false. */
    applyInfrastructure: z.boolean({ error: "expected true or false" }).default(false),
    /** Deploy stages in order. Default [{ environment: "production" }]. */
    deploy: z
      .array(DeployStage, {
        error: 'expected stages such as [{ environment: "production", approval: true }]',
      })
      .min(1)
      .prefault([{ environment: "production" }]),
    /** Workflow file written by `slipway ci generate`. Default ".github/workflows/slipway.yml". */
    workflow: text(
      /^\.github\/workflows\/[\w.-]+\.ya?ml$/,
      'expected a path such as ".github/workflows/deploy.yml"',
    ).default(".github/workflows/slipway.yml"),
  })
  .superRefine((ci, ctx) => {
    const seen = new Set<string>();
    ci.deploy.forEach((stage, i) => {
      if (seen.has(stage.environment)) {
        ctx.addIssue({
          code: "custom",
          path: ["deploy", i, "environment"],
          message: `"${stage.environment}" is deployed twice`,
        });
      }
      seen.add(stage.environment);
    });
  });
export type Ci = z.infer<typeof Ci>;
