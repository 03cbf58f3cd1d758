/**
 * The sandbox's own services, each a container on the sandbox network at a fixed address:
 * a registry (Debian's docker-registry) that doubles as the VMs' Docker Hub mirror, and Pebble, the
 * ACME server Caddy gets real certificates from. Registry data lives in a volume that survives
 * `sandbox down`; `down --purge` removes it.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { httpsGet } from "../util/https-get.ts";
import { waitFor } from "../util/wait.ts";
import { docker, inspectFormat } from "./docker.ts";
import { BASE_IMAGE, IMAGES, type Log } from "./images.ts";
import {
  ACME_MANAGEMENT_PORT,
  ACME_PORT,
  containerAddress,
  REGISTRY_PORT,
  SANDBOX_LABEL,
  SANDBOX_NETWORK,
  type SandboxFiles,
  SERVICE_ADDRESSES,
} from "./layout.ts";
import { ensureLeafCert, updateTrustBundle } from "./pki.ts";
import { s3ForwarderCommand } from "./s3/sandbox.ts";

export const SERVICE_CONTAINERS = {
  registry: "slipway-sandbox-registry",
  acme: "slipway-sandbox-acme",
  /** The Cloudflare edge proxy, started and configured by the daemon (edge/edge.ts). */
  edge: "slipway-sandbox-edge",
  s3: "slipway-sandbox-s3",
} as const;
export const REGISTRY_VOLUME = "slipway-sandbox-registry";
const SPEC_LABEL = "dev.slipway.spec";

/** Images the VMs pull as if from Docker Hub, served by the registry: Hub name → local image. */
export const HUB_MIRROR: Record<string, string> = {
  "library/debian:bookworm-slim": BASE_IMAGE,
  "library/debian:bookworm": BASE_IMAGE,
  "library/debian:12": BASE_IMAGE,
  "library/caddy:2": IMAGES.caddy.tag,
  "library/caddy:2.6": IMAGES.caddy.tag,
};

const REGISTRY_CONFIG = `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /var/lib/docker-registry
  delete:
    enabled: true
http:
  addr: :${REGISTRY_PORT}
`;

export interface ContainerSpec {
  name: string;
  address: string;
  args: string[];
  image: string;
  command: string[];
}

/** Starts the container, recreating it when its spec (or image) changed since it was made. */
export async function ensureContainer(spec: ContainerSpec): Promise<void> {
  const imageId = (await inspectFormat(spec.image, "{{.Id}}")) ?? spec.image;
  const hash = createHash("sha256")
    .update(JSON.stringify({ ...spec, imageId }))
    .digest("hex")
    .slice(0, 16);
  const current = await inspectFormat(
    spec.name,
    `{{index .Config.Labels "${SPEC_LABEL}"}} {{.State.Running}}`,
  );
  if (current === `${hash} true`) return;
  if (current?.startsWith(`${hash} `)) {
    await docker(["start", spec.name]);
    return;
  }
  if (current !== null) await docker(["rm", "--force", spec.name]);
  await docker([
    "run",
    "--detach",
    "--name",
    spec.name,
    "--hostname",
    spec.name,
    "--network",
    SANDBOX_NETWORK,
    "--ip",
    containerAddress(spec.address),
    "--restart",
    "unless-stopped",
    "--label",
    `${SANDBOX_LABEL}=1`,
    "--label",
    `${SPEC_LABEL}=${hash}`,
    ...spec.args,
    spec.image,
    ...spec.command,
  ]);
}

export async function ensureRegistry(files: SandboxFiles): Promise<void> {
  await writeFile(files.registryConfig, REGISTRY_CONFIG);
  await ensureContainer({
    name: SERVICE_CONTAINERS.registry,
    address: SERVICE_ADDRESSES.registry,
    image: IMAGES.registry.tag,
    args: [
      "--volume",
      `${REGISTRY_VOLUME}:/var/lib/docker-registry`,
      "--volume",
      `${files.registryConfig}:/etc/docker/registry/config.yml:ro`,
    ],
    command: ["docker-registry", "serve", "/etc/docker/registry/config.yml"],
  });
  const url = `http://${SERVICE_ADDRESSES.registry}:${REGISTRY_PORT}/v2/`;
  await waitFor("the sandbox registry", async () => ((await fetch(url)).ok ? true : undefined), {
    timeoutMs: 30_000,
  });
}

/** Pushes the Docker Hub stand-ins; layers already there are skipped by the registry, so reruns are quick. */
export async function pushHubMirror(log: Log): Promise<void> {
  const registry = `${SERVICE_ADDRESSES.registry}:${REGISTRY_PORT}`;
  for (const [hubName, local] of Object.entries(HUB_MIRROR)) {
    const target = `${registry}/${hubName}`;
    const localId = await inspectFormat(local, "{{.Id}}");
    const pushedId = await inspectFormat(target, "{{.Id}}");
    const [repository, tag] = hubName.split(":") as [string, string];
    const inRegistry = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
      method: "HEAD",
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    if (localId === pushedId && inRegistry.ok) continue;
    log(`publishing ${hubName} to the sandbox's Docker Hub mirror`);
    await docker(["tag", local, target]);
    await docker(["push", "--quiet", target], { timeoutMs: 10 * 60_000 });
  }
}

export async function ensureAcme(files: SandboxFiles): Promise<void> {
  const tls = await ensureLeafCert(files, "acme", {
    ips: [SERVICE_ADDRESSES.acme, containerAddress(SERVICE_ADDRESSES.acme)],
    dns: ["localhost", "acme.sandbox.slipway.test"],
  });
  const config = {
    pebble: {
      listenAddress: `0.0.0.0:${ACME_PORT}`,
      managementListenAddress: `0.0.0.0:${ACME_MANAGEMENT_PORT}`,
      certificate: "/pki/acme.pem",
      privateKey: "/pki/acme.key",
      httpPort: 80,
      tlsPort: 443,
      ocspResponderURL: "",
      externalAccountBindingRequired: false,
    },
  };
  await writeFile(files.pebbleConfig, `${JSON.stringify(config, null, 2)}\n`);
  await ensureContainer({
    name: SERVICE_CONTAINERS.acme,
    address: SERVICE_ADDRESSES.acme,
    image: IMAGES.pebble.tag,
    args: [
      // Challenges always pass: sandbox domains resolve nowhere, and the point is a real ACME exchange.
      "--env",
      "PEBBLE_VA_ALWAYS_VALID=1",
      "--env",
      "PEBBLE_VA_NOSLEEP=1",
      "--env",
      "PEBBLE_WFE_NONCEREJECT=0",
      "--volume",
      `${tls.cert}:/pki/acme.pem:ro`,
      "--volume",
      `${tls.key}:/pki/acme.key:ro`,
      "--volume",
      `${files.pebbleConfig}:/pki/pebble-config.json:ro`,
    ],
    command: ["pebble", "-config", "/pki/pebble-config.json"],
  });
  const ca = await readFile(files.caCert, "utf8");
  const root = await waitFor(
    "the sandbox ACME server",
    async () => {
      const res = await httpsGet(`https://${SERVICE_ADDRESSES.acme}:${ACME_MANAGEMENT_PORT}/roots/0`, ca);
      return res.status === 200 ? res.body : undefined;
    },
    { timeoutMs: 30_000 },
  );
  await updateTrustBundle(files, root);
}

/** The S3 store's address on the sandbox network: a TCP forwarder to the daemon, which serves it. */
export async function ensureS3Forwarder(): Promise<void> {
  await ensureContainer({
    name: SERVICE_CONTAINERS.s3,
    address: SERVICE_ADDRESSES.s3,
    image: IMAGES.forwarder.tag,
    args: [],
    command: s3ForwarderCommand(),
  });
}

export function acmeDirectoryUrl(): string {
  return `https://${SERVICE_ADDRESSES.acme}:${ACME_PORT}/dir`;
}
