/**
 * A throwaway copy of an example stack with its own SSH key, so each test file starts from an empty
 * state and never writes into the repository.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { inject } from "vitest";
import { REPO } from "./cli.ts";

export interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function exampleWorkspace(example: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `slipway-e2e-${example}-`));
  cpSync(join(REPO, "examples", example), dir, {
    recursive: true,
    filter: (source) => !source.includes(".slipway"),
  });
  const key = ssh2.utils.generateKeyPairSync("ed25519");
  writeFileSync(join(dir, "id_ed25519"), key.private, { mode: 0o600 });
  const env = { ...inject("sandboxEnv"), SLIPWAY_SSH_KEY: join(dir, "id_ed25519") };
  return { dir, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
