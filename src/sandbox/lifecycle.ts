/**
 * `slipway sandbox up|down|status|env`: brings the local cloud up (idempotently), stops it keeping its
 * data, or purges everything it ever made on this machine.
 */

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.ts";
import { sleep, waitFor } from "../util/wait.ts";
import { docker, engineRunning } from "./docker.ts";
import { heal } from "./faults/inject.ts";
import { BASE_IMAGE, ensureImages, IMAGES, type Log } from "./images.ts";
import {
  API_HOST,
  CLOUDFLARE_ACCOUNT_ID,
  CLOUDFLARE_API_PORT,
  CLOUDFLARE_TOKEN,
  HETZNER_API_PORT,
  HETZNER_TOKEN,
  SANDBOX_LABEL,
  type SandboxFiles,
  sandboxFiles,
  sandboxHome,
} from "./layout.ts";
import { LB_LABEL } from "./lb/docker-load-balancer-driver.ts";
import { ensureNetwork, removeHostRules, removeNetwork } from "./network.ts";
import { ensureCa } from "./pki.ts";
import { s3Answers, s3Endpoint, s3Environment } from "./s3/sandbox.ts";
import {
  acmeDirectoryUrl,
  ensureAcme,
  ensureRegistry,
  ensureS3Forwarder,
  pushHubMirror,
  REGISTRY_VOLUME,
  SERVICE_CONTAINERS,
} from "./services.ts";
import { VM_LABEL } from "./vm/docker-machine-driver.ts";
import { removeFirewallRules, removePrivateNetworks } from "./vm/docker-networking.ts";
import { ensureSharedRoot, releaseRoot } from "./volumes/host-mounts.ts";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "slipway.js");

export function currentSandbox(env: NodeJS.ProcessEnv = process.env): SandboxFiles {
  return sandboxFiles(sandboxHome(env));
}

export function cloudflareEndpoint(): string {
  return `http://${API_HOST}:${CLOUDFLARE_API_PORT}/client/v4`;
}

export function hetznerEndpoint(): string {
  return `http://${API_HOST}:${HETZNER_API_PORT}/v1`;
}

/** The environment that points slipway, and the official clients, at this sandbox. */
export function sandboxEnvironment(files: SandboxFiles): Record<string, string> {
  return {
    HCLOUD_ENDPOINT: hetznerEndpoint(),
    HCLOUD_TOKEN: HETZNER_TOKEN,
    CLOUDFLARE_BASE_URL: cloudflareEndpoint(),
    CLOUDFLARE_API_TOKEN: CLOUDFLARE_TOKEN,
    CLOUDFLARE_ACCOUNT_ID,
    SLIPWAY_SANDBOX_CA: files.trustBundle,
    SLIPWAY_ACME_CA: acmeDirectoryUrl(),
    SLIPWAY_ACME_CA_ROOT: files.caCert,
    ...s3Environment(files),
  };
}

async function requireEngine(): Promise<void> {
  if (!(await engineRunning())) {
    throw new UserError("the sandbox needs a running Docker engine, and none answers", {
      hint: "Install and start one: apt-get install -y docker.io && (dockerd >/var/log/dockerd.log 2>&1 &)",
    });
  }
}

export async function sandboxUp(files: SandboxFiles, log: Log): Promise<void> {
  await requireEngine();
  await mkdir(files.home, { recursive: true, mode: 0o700 });
  await ensureImages(files.buildCache, log);
  await ensureNetwork(files);
  await ensureCa(files);
  log("starting the registry and ACME server");
  await ensureRegistry(files);
  await Promise.all([pushHubMirror(log), ensureAcme(files), ensureS3Forwarder()]);
  await ensureSharedRoot(files.volumeMounts); // VMs bind their /mnt from it; gone after a host reboot
  await restartStoppedServers(files);
  await ensureDaemon(files, log);
  await waitFor("the sandbox S3 store", async () => ((await s3Answers(files)) ? true : undefined), {
    timeoutMs: 30_000,
  });
}

async function ensureDaemon(files: SandboxFiles, log: Log): Promise<void> {
  // A daemon from before S3 existed (or one whose S3 failed to start) is replaced, not trusted.
  if ((await apiAnswers()) && (await s3Answers(files))) return;
  await stopDaemon(files);
  log("starting the cloud API emulator");
  const out = await open(files.daemonLog, "a");
  const child = spawn(process.execPath, [BIN, "sandbox", "serve"], {
    detached: true,
    stdio: ["ignore", out.fd, out.fd],
    env: { ...process.env, SLIPWAY_SANDBOX_HOME: files.home },
  });
  child.unref();
  await out.close();
  await waitFor("the sandbox's cloud API", async () => ((await apiAnswers()) ? true : undefined), {
    timeoutMs: 30_000,
  }).catch(async (error: Error) => {
    const tail = existsSync(files.daemonLog) ? (await readFile(files.daemonLog, "utf8")).slice(-2000) : "";
    throw new UserError(`${error.message}\n${tail}`, { hint: `See ${files.daemonLog}` });
  });
}

async function apiAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`${hetznerEndpoint()}/locations`, {
      headers: { authorization: `Bearer ${HETZNER_TOKEN}` },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function cloudflareAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`${cloudflareEndpoint()}/ips`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function daemonPid(files: SandboxFiles): Promise<number | null> {
  if (!existsSync(files.daemonPid)) return null;
  const pid = Number((await readFile(files.daemonPid, "utf8")).trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function stopDaemon(files: SandboxFiles): Promise<void> {
  const pid = await daemonPid(files);
  if (pid !== null) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && (await daemonPid(files)) !== null; i++) await sleep(100);
  }
  await rm(files.daemonPid, { force: true });
}

const runningServersFile = (files: SandboxFiles) => join(files.home, "running-servers.json");

async function listContainers(filter: string, format = "{{.Names}}"): Promise<string[]> {
  const out = await docker(["ps", "--all", "--filter", `label=${filter}`, "--format", format]);
  return out.split("\n").filter(Boolean);
}

/** Servers that ran at `sandbox down` run again at `sandbox up`, like a cloud that kept its power state. */
async function restartStoppedServers(files: SandboxFiles): Promise<void> {
  const file = runningServersFile(files);
  if (!existsSync(file)) return;
  const names = JSON.parse(await readFile(file, "utf8")) as string[];
  const existing = new Set(await listContainers(VM_LABEL));
  for (const name of names.filter((n) => existing.has(n))) await docker(["start", name]);
  await rm(file);
}

export async function sandboxDown(
  files: SandboxFiles,
  options: { purge: boolean; keepImages?: boolean },
  log: Log,
): Promise<void> {
  await stopDaemon(files);
  // Faults are for one session: a sandbox that comes back up behaves.
  await heal(files).catch(() => {});
  if (!(await engineRunning())) {
    if (options.purge) {
      await removeHostRules(files);
      await removeFirewallRules();
    }
    return;
  }
  const vms = await listContainers(VM_LABEL, "{{.Names}} {{.State}}");
  if (options.purge) {
    log("removing every container, volume, network and image the sandbox made");
    const all = await listContainers(SANDBOX_LABEL);
    if (all.length > 0) await docker(["rm", "--force", "--volumes", ...all]);
    await releaseRoot(files.volumeMounts); // volumes' host mounts, before their data and the home go
    const volumes = (await docker(["volume", "ls", "--quiet", "--filter", `label=${SANDBOX_LABEL}`]))
      .split("\n")
      .filter(Boolean);
    await docker(["volume", "rm", "--force", ...volumes, REGISTRY_VOLUME]);
    await removeNetwork();
    await removePrivateNetworks();
    await removeFirewallRules();
    await removeHostRules(files);
    if (!options.keepImages) {
      const images = (await docker(["images", "--quiet", "--filter", `label=${SANDBOX_LABEL}`])).split("\n");
      const tags = [...Object.values(IMAGES).map((i) => i.tag), BASE_IMAGE];
      await docker(["rmi", "--force", ...new Set([...images.filter(Boolean), ...tags])]).catch(() => {});
    }
    await rm(files.home, { recursive: true, force: true });
    return;
  }
  const running = vms.filter((line) => line.endsWith(" running")).map((line) => line.split(" ")[0]!);
  await writeFile(runningServersFile(files), JSON.stringify(running));
  const toStop = [...running, ...Object.values(SERVICE_CONTAINERS), ...(await listContainers(LB_LABEL))];
  log(`stopping ${running.length} server(s) and the sandbox services (data is kept)`);
  await docker(["stop", "--time", "10", ...toStop]).catch(() => {});
}

export interface SandboxStatus {
  api: { hetzner: string | null; cloudflare: string | null; s3: string | null };
  containers: { name: string; state: string; role: string }[];
}

export async function sandboxStatus(files: SandboxFiles): Promise<SandboxStatus> {
  const api = {
    hetzner: (await apiAnswers()) ? hetznerEndpoint() : null,
    cloudflare: (await cloudflareAnswers()) ? cloudflareEndpoint() : null,
    s3: existsSync(files.caCert) && (await s3Answers(files)) ? s3Endpoint() : null,
  };
  if (!(await engineRunning())) return { api, containers: [] };
  const rows = await listContainers(
    SANDBOX_LABEL,
    `{{.Names}} {{.State}} {{.Label "${VM_LABEL}"}} {{.Label "${LB_LABEL}"}}`,
  );
  return {
    api,
    containers: rows.map((row) => {
      const [name = "", state = "", serverId = "", lbId = ""] = row.split(" ");
      const role = serverId ? `server ${serverId}` : lbId ? `load balancer ${lbId}` : "service";
      return { name, state, role };
    }),
  };
}
