/**
 * Runs the real slipway CLI (bin/slipway.js, as a user would) in a child process, with the sandbox's
 * environment, and returns its exit code and output. Tests assert on what users see.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const BIN = join(REPO, "bin", "slipway.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Runs the CLI and fails with its whole output when the exit code is not the expected one. */
export async function expectCli(
  args: string[],
  expectedCode: number,
  options: Parameters<typeof runCli>[1] = {},
) {
  const result = await runCli(args, options);
  if (result.code !== expectedCode) {
    throw new Error(
      `slipway ${args.join(" ")} exited ${result.code}, expected ${expectedCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}
