/**
 * The docker CLI on the machine that runs the sandbox. The sandbox drives the local engine through the
 * CLI rather than the socket API because the CLI is what the set-up installs and what users debug with.
 * BuildKit is off: Debian's engine 20.10 has no buildx, and the classic builder needs nothing pulled.
 */
import { type ExecOptions, exec, run } from "../util/exec.ts";

const env = () => ({ ...process.env, DOCKER_BUILDKIT: "0", DOCKER_CLI_HINTS: "false" });

export function docker(args: readonly string[], options: ExecOptions = {}): Promise<string> {
  return run(["docker", ...args], { env: env(), ...options });
}

export async function inspectFormat(target: string, format: string): Promise<string | null> {
  const result = await exec(["docker", "inspect", "--format", format, target], { env: env() });
  return result.code === 0 ? result.stdout.trim() : null;
}

export async function engineRunning(): Promise<boolean> {
  try {
    return (await exec(["docker", "info", "--format", "{{.ServerVersion}}"], { env: env() })).code === 0;
  } catch {
    return false; // docker CLI not installed
  }
}
