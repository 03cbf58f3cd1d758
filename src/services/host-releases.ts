/**
 * The releases of a service as the host knows them: its labelled containers, newest first, listed in
 * one SSH round trip. The host is the truth: which release serves is the one running, which slot it
 * holds is the port it publishes, and what it is made of is in its labels.
 */
import { asRoot } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { parseJsonOrNull } from "../util/json.ts";
import { LABEL_RELEASE, LABEL_RUN, LABEL_SPEC, listReleases, type RunParts } from "./commands/containers.ts";
import type { ReleaseInput } from "./release.ts";
import type { ReleaseComposition } from "./release-composition.ts";

export type { ReleaseInput };

export interface HostRelease {
  name: string;
  release: string;
  running: boolean;
  created: string;
  /** Where the app port is published ("127.0.0.1:20001"), or null. */
  hostPort: string | null;
  /** What the release is made of, from its label; null for containers made before labels existed. */
  spec: ReleaseComposition | null;
  /** How to run it again; null for containers made before the label existed. */
  run: RunParts | null;
  /** The raw composition label, carried over when the release is run again. */
  specLabel: string | null;
}

/** Parses listReleases output (name, host port, labels JSON, running, created; tab-separated), newest first. */
export function parseReleases(output: string): HostRelease[] {
  return output
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      const [name = "", hostPort = "", labelsJson = "{}", running = "", created = ""] = line.split("\t");
      const labels = parseJsonOrNull<Record<string, string>>(labelsJson);
      const specLabel = labels?.[LABEL_SPEC] ?? null;
      return {
        name,
        release: labels?.[LABEL_RELEASE] ?? "",
        running: running.trim() === "true",
        created: created.trim(),
        hostPort: hostPort.trim() || null,
        spec: parseJsonOrNull<ReleaseComposition>(specLabel ?? undefined),
        run: parseJsonOrNull<RunParts>(labels?.[LABEL_RUN]),
        specLabel,
      };
    })
    .sort((a, b) => b.created.localeCompare(a.created));
}

export async function hostReleases(
  ssh: SshConnection,
  ref: { user: string; stack: string; service: string; port?: number },
): Promise<HostRelease[]> {
  const out = await ssh.run(
    asRoot(ref.user, listReleases(ref.stack, ref.service, ref.port)),
    "listing releases",
  );
  return parseReleases(out);
}

/** The release that serves: the newest running one (outside a deploy, the only one running). */
export function servingRelease(releases: readonly HostRelease[]): HostRelease | undefined {
  return releases.find((r) => r.running);
}

/** The slot port a release is published on, or null. */
export function slotOf(release: HostRelease): number | null {
  const port = release.hostPort?.split(":").pop();
  return port ? Number(port) : null;
}
