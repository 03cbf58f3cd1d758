/**
 * The Hetzner Cloud API emulator's entry point: an HTTP server (node:http, no framework) under `/v1`
 * that keeps API objects in a store, optionally persisted to a JSON file, and asks a MachineDriver for
 * every effect on a machine. On start with an existing data file it reconciles state with the driver
 * (reconcile.ts). close() stops listening and detaches in-flight driver work: results arriving later
 * no longer change state, exactly as if the process had died, which the next start then reconciles.
 */
import { createServer } from "node:http";
import { listen } from "../emulator/http.ts";
import type { ApiFaultSource } from "../faults/store.ts";
import { actionRoutes } from "./action-routes.ts";
import { catalogRoutes } from "./catalog-routes.ts";
import type { Context, Handler } from "./context.ts";
import { type Exchange, handleExchange } from "./http.ts";
import { DEFAULT_IPV4_POOL, DEFAULT_LOAD_BALANCER_POOL, type Ipv4Range } from "./ip-pool.ts";
import { loadBalancerAndVolumeRoutes, restoreVolumes } from "./load-balancer-and-volume-routes.ts";
import type { LoadBalancerDriver } from "./load-balancer-driver.ts";
import { startLoadBalancerSync } from "./load-balancer-sync.ts";
import type { MachineDriver } from "./machine-driver.ts";
import { realizeLater } from "./network-realization.ts";
import { networkingRoutes } from "./networking-routes.ts";
import { RateLimiter } from "./rate-limit.ts";
import { reconcileAfterRestart } from "./reconcile.ts";
import type { Route } from "./router.ts";
import { serverRoutes } from "./server-routes.ts";
import { sshKeyRoutes } from "./ssh-key-routes.ts";
import { Store } from "./store.ts";
import type { VolumeDriver } from "./volume-driver.ts";

export type { Exchange } from "./http.ts";

export interface HetznerEmulatorOptions {
  readonly host: string;
  /** 0 picks any free port. */
  readonly port: number;
  readonly token: string;
  /** JSON persistence; absent = memory only. */
  readonly dataFile?: string;
  readonly driver: MachineDriver;
  /** Default 127.0.1.2 - 127.0.1.254. */
  readonly publicIpv4Pool?: Ipv4Range;
  /** Requests per hour, refilled gradually (limit/3600 per second). Default 3600, Hetzner's. */
  readonly rateLimit?: number;
  readonly onExchange?: (e: Exchange) => void;
  /** Injected latency and errors (`slipway sandbox fault api hetzner`). */
  readonly fault?: ApiFaultSource;
  /** Realizes load balancers (proxies); absent: they exist in the API only. */
  readonly loadBalancerDriver?: LoadBalancerDriver;
  /** Default 127.0.3.2 - 127.0.3.254. */
  readonly loadBalancerIpv4Pool?: Ipv4Range;
  /** How often load balancers are re-derived from state and re-applied when changed. Default 2 s. */
  readonly loadBalancerSyncMs?: number;
  /** Realizes volumes (storage in the servers' machines); absent: they exist in the API only. */
  readonly volumeDriver?: VolumeDriver;
}

export interface HetznerEmulator {
  /** Base URL including `/v1`, e.g. http://127.0.0.1:4610/v1 (what HCLOUD_ENDPOINT takes). */
  readonly url: string;
  close(): Promise<void>;
}

export const ROUTES: readonly Route<Handler>[] = [
  ...catalogRoutes,
  ...sshKeyRoutes,
  ...serverRoutes,
  ...actionRoutes,
  ...networkingRoutes,
  ...loadBalancerAndVolumeRoutes,
];

export async function startHetznerEmulator(options: HetznerEmulatorOptions): Promise<HetznerEmulator> {
  const store = Store.open(options.dataFile);
  if (options.dataFile) {
    await reconcileAfterRestart(store.state, options.driver);
    store.save();
  }
  let closed = false;
  const ctx: Context = {
    store,
    driver: options.driver,
    ipv4Pool: options.publicIpv4Pool ?? DEFAULT_IPV4_POOL,
    loadBalancerIpv4Pool: options.loadBalancerIpv4Pool ?? DEFAULT_LOAD_BALANCER_POOL,
    loadBalancerDriver: options.loadBalancerDriver,
    volumeDriver: options.volumeDriver,
    get closed() {
      return closed;
    },
    background(work) {
      work().catch((error: unknown) => console.error("hetzner emulator: background work failed", error));
    },
  };
  // Firewall rules and private networks live outside the data file: converge them to it on start.
  if (options.dataFile) realizeLater(ctx);
  if (options.dataFile) ctx.background(() => restoreVolumes(ctx));
  const stopLoadBalancers = startLoadBalancerSync(ctx, {
    intervalMs: options.loadBalancerSyncMs,
    restarted: options.dataFile !== undefined,
  });
  const deps = {
    routes: ROUTES,
    ctx,
    token: options.token,
    limiter: new RateLimiter(options.rateLimit ?? 3600),
    onExchange: options.onExchange,
    fault: options.fault,
  };
  const server = createServer((req, res) => {
    void handleExchange(req, res, deps);
  });
  const listening = await listen(server, options.host, options.port, () => {
    closed = true;
    stopLoadBalancers();
  });
  return { url: `http://${listening.authority}/v1`, close: listening.close };
}
