/**
 * Deployment pipeline: from a push to running releases. With a `ci` section it is the generated
 * GitHub Actions workflow (checks, scans, one build per image, stages with their approvals, slipway
 * deploy with its health gate and rollback); without one, the same deploy run from a workstation.
 */
import type { StackFacts } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";

export function pipeline(facts: StackFacts): Diagram {
  const { stack } = facts;
  const ci = stack.ci;
  const d = new DiagramBuilder(`${stack.name}: deployment pipeline`, "LR");
  let last: string;
  if (ci) {
    d.node(
      "push",
      [
        `push to ${ci.branches.join(", ")}`,
        ...(ci.ignorePaths.length ? [`skipped for ${ci.ignorePaths.join(", ")}`] : []),
      ],
      {
        shape: "stadium",
      },
    );
    last = "push";
    d.group("checks", "checks (every push and pull request)");
    const checks = Object.keys(ci.checks);
    const scans = ci.scans;
    for (const check of [...checks, ...scans]) {
      d.node(`check:${check}`, [check], { group: "checks" });
      d.edge(last, `check:${check}`);
    }
    const gate = "build";
    d.group("build", `build once, push to ${stack.registry?.server ?? "the registry"}`);
    for (const [name, service] of Object.entries(stack.services)) {
      d.node(
        `build:${name}`,
        [name, service.build ? `build ${service.build.context}` : `pull ${service.image}`],
        { group: gate },
      );
      const from = checks.length + scans.length > 0 ? [...checks, ...scans].map((c) => `check:${c}`) : [last];
      for (const f of from) d.edge(f, `build:${name}`);
    }
    d.node(
      "tags",
      [`tags: ${ci.imageTags.map((t) => (t === "env-version" ? "<env>-<version>" : t)).join(", ")}`],
      { group: gate },
    );
    for (const name of Object.keys(stack.services)) d.edge(`build:${name}`, "tags");
    last = "tags";
    for (const stage of ci.deploy) {
      const env = stage.environment;
      if (stage.approval) {
        d.node(`approve:${env}`, [`manual approval`, `environment ${env}`], { shape: "hexagon" });
        d.edge(last, `approve:${env}`);
        last = `approve:${env}`;
      }
      last = rollout(d, facts, env, last, ci.applyInfrastructure);
    }
  } else {
    d.node("push", ["workstation"], { shape: "stadium" });
    d.node("plan", ["slipway plan"], {});
    d.edge("push", "plan");
    last = rollout(d, facts, "production", "plan", true);
  }
  return d.build();
}

/** One environment: optional `slipway up`, then `slipway deploy` host by host with its health gate. */
function rollout(d: DiagramBuilder, facts: StackFacts, env: string, from: string, up: boolean): string {
  const { stack } = facts;
  const name = env === "production" ? stack.name : `${stack.name}-${env}`;
  d.group(`env:${env}`, `${env} (${name})`);
  let last = from;
  if (up) {
    d.node(`up:${env}`, ["slipway up", "infrastructure changes"], { group: `env:${env}` });
    d.edge(last, `up:${env}`);
    last = `up:${env}`;
  }
  d.node(`deploy:${env}`, ["slipway deploy"], { group: `env:${env}` });
  d.edge(last, `deploy:${env}`);
  d.node(`ok:${env}`, ["healthy: traffic switched", "old release drained"], {
    shape: "stadium",
    group: `env:${env}`,
  });
  d.node(`rollback:${env}`, ["health gate failed:", "slipway rollback"], {
    shape: "hexagon",
    group: `env:${env}`,
  });
  // The production servers are the ones named in this stack file; other environments are named <stack>-<env>-<server>.
  for (const server of facts.servers) {
    if (server.services.length === 0) continue;
    const host = env === "production" ? server.cloudName : `${name}-${server.name}`;
    const key = `host:${env}:${server.name}`;
    d.node(key, [host, server.services.join(", ")], { group: `env:${env}` });
    d.edge(`deploy:${env}`, key);
    d.edge(key, `ok:${env}`, { label: "healthy" });
    d.edge(key, `rollback:${env}`, { label: "unhealthy", dashed: true });
  }
  const idle = facts.servers.filter((s) => s.services.length === 0);
  if (idle.length > 0) {
    const hosts = idle.map((s) => (env === "production" ? s.cloudName : `${name}-${s.name}`));
    d.node(`idle:${env}`, ["no releases (changed only by slipway up):", ...hosts], { group: `env:${env}` });
    d.edge(`deploy:${env}`, `idle:${env}`, { dashed: true });
  }
  return `ok:${env}`;
}
