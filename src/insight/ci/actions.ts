/**
 * The GitHub Actions the generated workflow uses, pinned to a major version in one place, and the
 * workflow's shapes (only what slipway writes).
 */
export const ACTIONS = {
  checkout: "actions/checkout@v4",
  setupNode: "actions/setup-node@v4",
  setupBuildx: "docker/setup-buildx-action@v3",
  login: "docker/login-action@v3",
  buildPush: "docker/build-push-action@v6",
  codeqlInit: "github/codeql-action/init@v3",
  codeqlAutobuild: "github/codeql-action/autobuild@v3",
  codeqlAnalyze: "github/codeql-action/analyze@v3",
  gitleaks: "gitleaks/gitleaks-action@v2",
  trivy: "aquasecurity/trivy-action@0.28.0",
} as const;

/** A GitHub Actions expression, `${{ … }}`, written in one place. */
export function gh(expression: string): string {
  return `\${{ ${expression} }}`;
}

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

export interface Job {
  name: string;
  needs?: string[];
  if?: string;
  "runs-on": string;
  environment?: { name: string; url?: string };
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
