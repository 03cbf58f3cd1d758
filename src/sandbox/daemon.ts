/**
 * The sandbox's long-running process (`slipway sandbox serve`, started detached by `sandbox up`):
 * it serves the cloud APIs on the host's loopback and turns their effects into containers.
 */
import { writeFile } from "node:fs/promises";
import { startCloudflareEmulator } from "./cloudflare/server.ts";
import { startSandboxDns } from "./dns/sandbox-dns.ts";
import { startEdgeSync } from "./edge/edge.ts";
import { watchApiFaults } from "./faults/store.ts";
import { startHetznerEmulator } from "./hetzner/server.ts";
import {
  API_HOST,
  CLOUDFLARE_ACCOUNT_ID,
  CLOUDFLARE_API_PORT,
  CLOUDFLARE_TOKEN,
  HETZNER_API_PORT,
  HETZNER_TOKEN,
  type SandboxFiles,
} from "./layout.ts";
import { DockerLoadBalancerDriver } from "./lb/docker-load-balancer-driver.ts";
import { startSandboxS3 } from "./s3/sandbox.ts";
import { DockerMachineDriver } from "./vm/docker-machine-driver.ts";
import { DockerVolumeDriver } from "./volumes/docker-volume-driver.ts";

/**
 * Starts each part in turn; if one fails, closes those already listening and rethrows, so a failed
 * start never leaves a half-serving process that `sandbox up` would take for healthy.
 */
async function startAll<T extends Record<string, { close(): unknown }>>(
  parts: { [K in keyof T]: () => Promise<T[K]> | T[K] },
): Promise<{ started: T; closeAll: () => Promise<void> }> {
  const started: Partial<T> = {};
  const closeAll = async () => {
    await Promise.allSettled(Object.values(started).map((part) => (part as { close(): unknown }).close()));
  };
  for (const [name, start] of Object.entries(parts) as [keyof T, () => Promise<T[keyof T]>][]) {
    try {
      started[name] = await start();
    } catch (error) {
      await closeAll();
      throw error;
    }
  }
  return { started: started as T, closeAll };
}

export async function serveSandbox(files: SandboxFiles, log: (line: string) => void): Promise<void> {
  const apiFaults = watchApiFaults(files.faults);
  const { started, closeAll } = await startAll({
    hetzner: () =>
      startHetznerEmulator({
        host: API_HOST,
        port: HETZNER_API_PORT,
        token: HETZNER_TOKEN,
        dataFile: files.hetznerData,
        driver: new DockerMachineDriver({ volumeRoot: files.volumeMounts }),
        fault: apiFaults,
        loadBalancerDriver: new DockerLoadBalancerDriver(files.loadBalancers),
        volumeDriver: new DockerVolumeDriver(files.volumeMounts),
      }),
    cloudflare: () =>
      startCloudflareEmulator({
        host: API_HOST,
        port: CLOUDFLARE_API_PORT,
        tokens: [{ value: CLOUDFLARE_TOKEN }],
        account: { id: CLOUDFLARE_ACCOUNT_ID, name: "Sandbox account" },
        dataFile: files.cloudflareData,
        fault: apiFaults,
      }),
    s3: () => startSandboxS3(files, apiFaults),
  });
  const { hetzner, cloudflare, s3 } = started;
  const more = await startAll({
    dns: () => startSandboxDns(cloudflare.store),
    edge: () => startEdgeSync(files, cloudflare.store, log),
  }).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  await writeFile(files.daemonPid, String(process.pid));
  log(`Hetzner Cloud API on ${hetzner.url}`);
  log(`Cloudflare API on ${cloudflare.url}, its DNS on ${more.started.dns.host}:53 (127.0.2.3)`);
  log(`S3 on ${s3.url}, public at https://127.0.2.4`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await more.closeAll();
  await closeAll();
  log("stopped");
}
