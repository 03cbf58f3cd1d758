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

export async function serveSandbox(files: SandboxFiles, log: (line: string) => void): Promise<void> {
  const apiFaults = watchApiFaults(files.faults);
  const hetzner = await startHetznerEmulator({
    host: API_HOST,
    port: HETZNER_API_PORT,
    token: HETZNER_TOKEN,
    dataFile: files.hetznerData,
    driver: new DockerMachineDriver({ volumeRoot: files.volumeMounts }),
    fault: apiFaults,
    loadBalancerDriver: new DockerLoadBalancerDriver(files.loadBalancers),
    volumeDriver: new DockerVolumeDriver(files.volumeMounts),
  });
  const cloudflare = await startCloudflareEmulator({
    host: API_HOST,
    port: CLOUDFLARE_API_PORT,
    tokens: [{ value: CLOUDFLARE_TOKEN }],
    account: { id: CLOUDFLARE_ACCOUNT_ID, name: "Sandbox account" },
    dataFile: files.cloudflareData,
    fault: apiFaults,
  });
  // A failed start must not leave the APIs listening: `sandbox up` would take this process for healthy.
  const dns = await startSandboxDns(cloudflare.store).catch(async (error: unknown) => {
    await Promise.all([hetzner.close(), cloudflare.close()]);
    throw error;
  });
  const edge = startEdgeSync(files, cloudflare.store, log);
  const s3 = await startSandboxS3(files, apiFaults);
  await writeFile(files.daemonPid, String(process.pid));
  log(`Hetzner Cloud API on ${hetzner.url}`);
  log(`Cloudflare API on ${cloudflare.url}, its DNS on ${dns.host}:53 (127.0.2.3)`);
  log(`S3 on ${s3.url}, public at https://127.0.2.4`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  edge.close();
  await Promise.all([hetzner.close(), cloudflare.close(), s3.close(), dns.close()]);
  log("stopped");
}
