/**
 * The sandbox's Cloudflare edge, run by the daemon: a Caddy container (slipway/caddy:2) on the sandbox
 * network at the edge address (127.0.4.1 ↔ 172.29.4.1), reconfigured through Caddy's admin API whenever
 * the Cloudflare emulator's records change. Origins see its connections come from 172.29.4.1, inside the
 * range `GET /ips` publishes. The admin API listens on a unix socket in a directory shared with the host
 * only, so no server in the sandbox can reconfigure the edge. Caddy's admin endpoint accepts unix-socket
 * requests only with an empty Host header (RFC 7230 §5.4), which is why requests set one.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { sleep } from "../../util/wait.ts";
import type { Store } from "../cloudflare/store.ts";
import { inspectFormat } from "../docker.ts";
import { IMAGES } from "../images.ts";
import { CLOUDFLARE_EDGE_ADDRESS, type SandboxFiles } from "../layout.ts";
import { ensureLeafCert } from "../pki.ts";
import { ensureContainer, SERVICE_CONTAINERS } from "../services.ts";
import { EDGE_MOUNT, edgeCaddyConfig, type ZoneCertificate } from "./caddy-config.ts";
import { edgeSites } from "./sites.ts";

export interface EdgeSync {
  /** Resolves once the configuration for the records as they are now has been loaded. */
  settled(): Promise<void>;
  close(): void;
}

async function zoneCertificates(files: SandboxFiles, zones: readonly string[]): Promise<ZoneCertificate[]> {
  const certificates: ZoneCertificate[] = [];
  // One at a time: the openssl calls share the CA's serial file.
  for (const zone of zones) {
    const { cert, key } = await ensureLeafCert(files, `edge-${zone}`, { ips: [], dns: [zone, `*.${zone}`] });
    certificates.push({ zone, certificate: await readFile(cert, "utf8"), key: await readFile(key, "utf8") });
  }
  return certificates;
}

function postLoad(socketPath: string, config: unknown): Promise<void> {
  const body = JSON.stringify(config);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: "/load",
        method: "POST",
        setHost: false, // Node would otherwise send "Host: localhost", which Caddy refuses here
        headers: { host: "", "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        res.on("end", () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`edge config refused: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("the edge's admin API did not answer in 10 s")));
    req.on("error", reject);
    req.end(body);
  });
}

async function loadWhenReady(socketPath: string, config: unknown): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (existsSync(socketPath)) {
      try {
        return await postLoad(socketPath, config);
      } catch (error) {
        lastError = error;
        if (error instanceof Error && error.message.startsWith("edge config refused")) throw error;
      }
    }
    await sleep(100);
  }
  throw new Error(`the edge's admin socket ${socketPath} never answered: ${String(lastError ?? "absent")}`);
}

async function configure(files: SandboxFiles, store: Store): Promise<unknown> {
  const sites = edgeSites(store.state);
  const certificates = await zoneCertificates(files, [...new Set(sites.map((s) => s.zone))]);
  if (existsSync(files.trustBundle)) await copyFile(files.trustBundle, join(files.edgeDir, "trust.pem"));
  const config = edgeCaddyConfig(sites, certificates);
  await writeFile(join(files.edgeDir, "caddy.json"), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** Starts (or adopts) the edge container and keeps its configuration in step with the records. */
export function startEdgeSync(files: SandboxFiles, store: Store, log: (line: string) => void): EdgeSync {
  const socketPath = join(files.edgeDir, "admin.sock");
  let closed = false;
  let dirty = true;
  let running: Promise<void> = Promise.resolve();

  const start = async () => {
    await mkdir(files.edgeDir, { recursive: true });
    await configure(files, store);
    const state = await inspectFormat(SERVICE_CONTAINERS.edge, "{{.State.Running}}");
    // A socket left by a stopped container would make the new Caddy's listen fail.
    if (state !== "true") await rm(socketPath, { force: true });
    await ensureContainer({
      name: SERVICE_CONTAINERS.edge,
      address: CLOUDFLARE_EDGE_ADDRESS,
      image: IMAGES.caddy.tag,
      args: ["--volume", `${files.edgeDir}:${EDGE_MOUNT}`],
      command: ["caddy", "run", "--config", `${EDGE_MOUNT}/caddy.json`],
    });
  };

  const pass = async () => {
    while (dirty && !closed) {
      dirty = false;
      const config = await configure(files, store);
      await loadWhenReady(socketPath, config);
    }
  };

  const schedule = () => {
    dirty = true;
    running = running.then(pass).catch((error: unknown) => log(`edge: ${String(error)}`));
  };

  running = start()
    .then(pass)
    .catch((error: unknown) => log(`edge: ${String(error)}`));
  store.onChange(schedule);
  return {
    settled: () => running,
    close: () => {
      closed = true;
    },
  };
}
