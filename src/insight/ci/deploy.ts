/**
 * One deploy job per stage of `ci.deploy`, in order. Each runs in a GitHub Environment of the stage's
 * name (that is where required reviewers give the manual approval and where per-environment secrets
 * live), deploys through `slipway deploy` with the digests the build job pushed, checks each public
 * service's health URL, tags what now runs as `<env>-<version>`, and runs `slipway rollback` if any
 * step failed.
 */
import type { Stack } from "../../config/index.ts";
import { toShell } from "../../util/shell.ts";
import { ACTIONS, gh, type Job, type Step } from "./actions.ts";
import { type BuildContext, builtServices, imageName, loginStep } from "./build.ts";
import { cloudSecretNames, SSH_KEY_SECRET, stackSecretNames } from "./secrets.ts";

export interface Stage {
  environment: string;
  approval: boolean;
  /** The stack merged for this environment (domains and secrets may differ per environment). */
  stack: Stack;
}

/**
 * Public health URLs: each domain's health path, once. A service under a path prefix shares its domain
 * with another and is checked through `slipway deploy`'s own health gate instead.
 */
function healthUrls(stack: Stack): string[] {
  const urls = Object.values(stack.services).flatMap((s) => {
    const domain = s.domains[0];
    if (!domain || !s.port || s.pathPrefix) return [];
    return [`https://${domain}${s.healthcheck.path}`];
  });
  return [...new Set(urls)];
}

export function jobName(environment: string): string {
  return `deploy-${environment}`;
}

export function deployJob(
  ctx: BuildContext & { configFile: string; slipwayVersion: string },
  stage: Stage,
  needs: string[],
  deployIf: string,
): Job {
  const { stack } = stage;
  const ci = ctx.stack.ci!;
  const built = new Set(builtServices(ctx.stack));
  // Other environments name themselves on every command: a slipway that cannot select one fails on
  // the flag instead of deploying the production stack in their place.
  const envFlag = stage.environment === "production" ? [] : ["--environment", stage.environment];
  const cli = (args: string[]) => toShell(["slipway", ...args, "-c", ctx.configFile, ...envFlag]);
  const secrets = [...new Set([...cloudSecretNames(stack), ...stackSecretNames(stack)])].sort();
  const env: Record<string, string> = {
    ...Object.fromEntries(secrets.map((name) => [name, `\${{ secrets.${name} }}`])),
    SLIPWAY_SSH_KEY: `${gh("runner.temp")}/slipway-ssh-key`,
  };
  const deploys: Step[] = Object.keys(stack.services).map((service) => ({
    name: `Deploy ${service}`,
    run: cli([
      "deploy",
      service,
      ...(built.has(service) ? ["--image", `\${{ needs.build.outputs.${service} }}`] : []),
    ]),
  }));
  const urls = healthUrls(stack);
  const site = Object.values(stack.services).find((s) => s.domains.length > 0)?.domains[0];
  const health: Step[] = urls.length
    ? [
        {
          name: "Health check",
          run: urls
            .map((url) =>
              toShell([
                "curl",
                "--fail",
                "--silent",
                "--show-error",
                "--retry",
                "10",
                "--retry-delay",
                "3",
                "--retry-all-errors",
                url,
              ]),
            )
            .join("\n"),
        },
      ]
    : [];
  const tag: Step[] =
    ci.imageTags.includes("env-version") && built.size > 0
      ? [
          loginStep(ctx.stack),
          { uses: ACTIONS.setupBuildx },
          {
            name: `Tag images ${stage.environment}-<version>`,
            run: [...built]
              .map((service) =>
                toShell([
                  "docker",
                  "buildx",
                  "imagetools",
                  "create",
                  "--tag",
                  `${imageName(ctx, service)}:${stage.environment}-\${{ github.run_number }}`,
                  `\${{ needs.build.outputs.${service} }}`,
                ]),
              )
              .join("\n"),
          },
        ]
      : [];
  return {
    name: `Deploy to ${stage.environment}${stage.approval ? " (after approval)" : ""}`,
    needs,
    if: deployIf,
    "runs-on": "ubuntu-latest",
    environment: {
      name: stage.environment,
      ...(site ? { url: `https://${site}` } : {}),
    },
    concurrency: { group: `slipway-${stage.environment}`, "cancel-in-progress": false },
    permissions: { contents: "read", packages: "write" },
    env,
    steps: [
      { uses: ACTIONS.checkout },
      { uses: ACTIONS.setupNode, with: { "node-version": "22" } },
      {
        name: "Install slipway",
        run: toShell(["npm", "install", "--global", `slipway@${ctx.slipwayVersion}`]),
      },
      {
        name: "SSH key",
        run: 'umask 077 && printf \'%s\\n\' "$SSH_PRIVATE_KEY" > "$SLIPWAY_SSH_KEY"',
        env: { SSH_PRIVATE_KEY: `\${{ secrets.${SSH_KEY_SECRET} }}` },
      },
      ...(ci.applyInfrastructure
        ? [{ name: "Apply infrastructure changes", run: cli(["up", "--yes"]) }]
        : []),
      ...deploys,
      ...health,
      ...tag,
      { name: "Roll back on failure", if: "failure()", run: cli(["rollback"]) },
    ],
  };
}
