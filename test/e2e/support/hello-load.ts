/**
 * The deploy-under-load tests' shared parts: a steady HTTPS stream at 100 requests a second to the
 * hello service at a public address, and the one line of its stack file they change between releases.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type Load, startLoad } from "../../../bench/load.ts";
import type { Workspace } from "./workspace.ts";

export function startHelloLoad(ws: Workspace, address: string, maxRequests: number): Load {
  return startLoad(
    { address, host: "hello.slipway.test", path: "/", ca: readFileSync(ws.env.SLIPWAY_SANDBOX_CA!, "utf8") },
    { ratePerSecond: 100, maxRequests },
  );
}

/** Sets GREETING in the stack file: the app answers with it, so each response names its release. */
export function setGreeting(file: string, greeting: string): void {
  writeFileSync(file, readFileSync(file, "utf8").replace(/GREETING: "[^"]*"/, `GREETING: "${greeting}"`));
}
