/**
 * One sandbox for the whole end-to-end suite: reset what a killed earlier run may have left (keeping the
 * built images, so they are built once per machine), start it, and hand its environment to the tests.
 * At the end every container, network and volume it made is purged.
 */
import type { TestProject } from "vitest/node";
import { expectCli } from "./support/cli.ts";

declare module "vitest" {
  export interface ProvidedContext {
    sandboxEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  await expectCli(["sandbox", "down", "--purge", "--keep-images"], 0);
  const started = Date.now();
  await expectCli(["sandbox", "up"], 0);
  process.stderr.write(`[e2e] sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const env = JSON.parse((await expectCli(["sandbox", "env", "--json"], 0)).stdout) as Record<string, string>;
  project.provide("sandboxEnv", env);
  return async () => {
    await expectCli(["sandbox", "down", "--purge", "--keep-images"], 0);
  };
}
