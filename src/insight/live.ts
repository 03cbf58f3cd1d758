/**
 * Live values for insight views, read from the local state file only (no cloud calls): what `up` last
 * observed of each server. A missing state file, or one of another stack, means "show the plan".
 */
import { LocalStateBackend } from "../engine/local-state.ts";
import { localStateDir } from "../stack/environment-paths.ts";
import type { LiveServer } from "./facts.ts";

const SERVER_PREFIX = "hetzner.server.";

export async function liveServers(
  stackDir: string,
  stackName: string,
  environment?: string,
): Promise<Map<string, LiveServer>> {
  const doc = await new LocalStateBackend(localStateDir(stackDir, environment)).read();
  const live = new Map<string, LiveServer>();
  if (!doc || doc.stack !== stackName) return live;
  for (const [address, resource] of Object.entries(doc.resources)) {
    if (resource.kind !== "hetzner.server" || !address.startsWith(SERVER_PREFIX)) continue;
    const outputs = (resource.outputs ?? {}) as { ipv4?: string | null; status?: string };
    live.set(address.slice(SERVER_PREFIX.length), {
      ipv4: outputs.ipv4 ?? null,
      status: outputs.status ?? "unknown",
    });
  }
  return live;
}
