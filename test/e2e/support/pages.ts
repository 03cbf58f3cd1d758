/**
 * An HTTPS GET of a sandbox-served name at a given public address, trusting the sandbox's CA: what a
 * user's browser would get once DNS pointed the name there.
 */
import { type ExecResult, exec } from "../../../src/util/exec.ts";
import type { Workspace } from "./workspace.ts";

export function httpsPage(
  ws: Workspace,
  address: string,
  host = "hello.slipway.test",
  path = "/",
): Promise<ExecResult> {
  // biome-ignore format: one flag and its value per line
  return exec([
    "curl", "-sS",
    "--max-time", "10",
    "--cacert", ws.env.SLIPWAY_SANDBOX_CA!,
    "--resolve", `${host}:443:${address}`,
    `https://${host}${path}`,
  ]);
}
