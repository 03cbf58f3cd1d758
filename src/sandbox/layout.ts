/**
 * Where the sandbox lives and how it is addressed. One machine runs one sandbox; its files sit in
 * SLIPWAY_SANDBOX_HOME (default ~/.local/share/slipway/sandbox) and its containers share one Docker
 * network whose addresses mirror the loopback "public" addresses: 127.0.X.Y is reached at 172.29.X.Y.
 * That fixed mapping lets one NETMAP rule per range stand in for per-address DNAT, both on the host and
 * inside every VM, so servers created later need no new rules.
 */
import { homedir } from "node:os";
import { join } from "node:path";

export const SANDBOX_NETWORK = "slipway-sandbox";
export const SANDBOX_SUBNET = "172.29.0.0/16";
export const SANDBOX_GATEWAY = "172.29.0.1";
/** Label on every container, network, volume and image the sandbox makes, so purge finds them all. */
export const SANDBOX_LABEL = "dev.slipway.sandbox";

/** Loopback ranges with a meaning, each mapped 1:1 onto the same X.Y inside SANDBOX_SUBNET. */
export const PUBLIC_RANGES = {
  /** Servers' public IPv4 addresses, allocated by the Hetzner emulator. */
  servers: "127.0.1.0/24",
  /** The sandbox's own services: registry, ACME, DNS, S3. */
  services: "127.0.2.0/24",
  /** Hetzner load balancers' public IPv4 addresses, each a real proxy container. */
  loadBalancers: "127.0.3.0/24",
  /**
   * The sandbox's stand-in for Cloudflare's published IP ranges: the edge proxies for proxied DNS records
   * live here, so an origin locked down to "Cloudflare's ranges" can be tested for real.
   */
  cloudflareEdge: "127.0.4.0/24",
} as const;

export const SERVICE_ADDRESSES = {
  registry: "127.0.2.1",
  acme: "127.0.2.2",
  /** Authoritative DNS for the Cloudflare emulator's zones (UDP and TCP 53). */
  dns: "127.0.2.3",
  /** The S3-compatible object store (HTTPS, sandbox CA). */
  s3: "127.0.2.4",
} as const;

export const REGISTRY_PORT = 5000;
export const ACME_PORT = 14000;
export const ACME_MANAGEMENT_PORT = 15000;

/** The API emulators run on the host itself, outside the NETMAP ranges. */
export const API_HOST = "127.0.0.1";
export const HETZNER_API_PORT = 4610;
export const CLOUDFLARE_API_PORT = 4620;
/**
 * The S3 store: served by the sandbox daemon on the host (SANDBOX_GATEWAY:S3_BACKEND_PORT) and reached at
 * SERVICE_ADDRESSES.s3:443 through a forwarding container, so host and VMs use one HTTPS endpoint.
 */
export const S3_PORT = 443;
export const S3_BACKEND_PORT = 4630;
/** Hetzner Object Storage's Falkenstein region: a non-AWS region keeps region handling honest. */
export const S3_REGION = "fsn1";
/** Virtual-hosted-style addressing: `<bucket>.s3.sandbox.slipway.test`. */
export const S3_DOMAIN = "s3.sandbox.slipway.test";
/** The sandbox's only S3 key pair. It guards nothing real; it exists so SigV4 is exercised. */
export const S3_ACCESS_KEY_ID = "SBXSANDBOX0000000000";
export const S3_SECRET_ACCESS_KEY = "sandbox/secret/000000000000000000000000000";
/** The token the sandbox's Hetzner API accepts. It guards nothing real; it exists so auth is exercised. */
export const HETZNER_TOKEN = "sandbox-0000000000000000000000000000000000000000000000000000000000";

/**
 * The token the sandbox's Cloudflare API accepts (40 characters, like a real API token) and the one
 * account it serves. `slipway sandbox env` exports the token as CLOUDFLARE_API_TOKEN.
 */
export const CLOUDFLARE_TOKEN = "sandboxCloudflareToken000000000000000000";
export const CLOUDFLARE_ACCOUNT_ID = "5a4db0c0ffee5a4db0c0ffee5a4db0c0";
/** Where proxied DNS records point: the sandbox's Cloudflare edge proxy (a container, see edge/). */
export const CLOUDFLARE_EDGE_ADDRESS = "127.0.4.1";

/** 127.0.X.Y → 172.29.X.Y: where a loopback public address really lives. */
export function containerAddress(publicAddress: string): string {
  const parts = publicAddress.split(".");
  if (parts.length !== 4 || parts[0] !== "127" || parts[1] !== "0") {
    throw new Error(`${publicAddress} is not a sandbox public address (127.0.X.Y)`);
  }
  return `172.29.${parts[2]}.${parts[3]}`;
}

export function sandboxHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_SANDBOX_HOME) return env.SLIPWAY_SANDBOX_HOME;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(dataHome, "slipway", "sandbox");
}

export function sandboxFiles(home: string) {
  return {
    home,
    pki: join(home, "pki"),
    caCert: join(home, "pki", "ca.pem"),
    caKey: join(home, "pki", "ca.key"),
    /** What SLIPWAY_SANDBOX_CA points at: the sandbox CA plus every ACME root Pebble has used. */
    trustBundle: join(home, "pki", "trust-bundle.pem"),
    pebbleConfig: join(home, "pki", "pebble-config.json"),
    registryConfig: join(home, "registry.yml"),
    hetznerData: join(home, "hetzner.json"),
    s3Data: join(home, "s3"),
    cloudflareData: join(home, "cloudflare.json"),
    /** The edge's Caddy config and admin socket, shared with its container. */
    edgeDir: join(home, "edge"),
    daemonPid: join(home, "daemon.pid"),
    daemonLog: join(home, "daemon.log"),
    buildCache: join(home, "build"),
    savedSysctl: join(home, "route_localnet.orig"),
    /** The fault plan (`slipway sandbox fault`), re-read by the emulators when it changes. */
    faults: join(home, "faults.json"),
    /** One haproxy config directory per load balancer, shared with its container. */
    loadBalancers: join(home, "load-balancers"),
    /** A shared mount point holding one directory per server, its /mnt, where volumes are mounted. */
    volumeMounts: join(home, "volume-mounts"),
  };
}
export type SandboxFiles = ReturnType<typeof sandboxFiles>;
