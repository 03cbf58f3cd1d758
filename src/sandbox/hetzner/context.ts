/**
 * What every route handler gets: the parsed request and the emulator's context (state store, machine
 * driver, IP pool, background work). Handlers return a response or throw an ApiError; they never touch
 * node:http, which keeps them testable and the HTTP layer in one place (http.ts).
 */
import type { Ipv4Range } from "./ip-pool.ts";
import type { LoadBalancerDriver } from "./load-balancer-driver.ts";
import type { MachineDriver } from "./machine-driver.ts";
import type { Params } from "./router.ts";
import type { Store } from "./store.ts";
import type { VolumeDriver } from "./volume-driver.ts";

export interface ApiRequest {
  readonly method: string;
  /** Path below `/v1`, e.g. `/servers/42`. */
  readonly path: string;
  readonly params: Params;
  readonly query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  /** The full public URL of the request, for Link headers. */
  readonly url: URL;
}

export interface ApiResponse {
  readonly status: number;
  /** JSON body; undefined for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Context {
  readonly store: Store;
  readonly driver: MachineDriver;
  readonly ipv4Pool: Ipv4Range;
  /** Load balancers' public IPv4 addresses. */
  readonly loadBalancerIpv4Pool: Ipv4Range;
  /** Realizes load balancers as proxies; absent: they exist in the API only. */
  readonly loadBalancerDriver?: LoadBalancerDriver;
  /** Realizes volumes as storage in the servers' machines; absent: they exist in the API only. */
  readonly volumeDriver?: VolumeDriver;
  /** Runs driver work after the response is sent; results are dropped once the emulator is closed. */
  background(work: () => Promise<void>): void;
  /** True after close(): late driver results must no longer change (or persist) state. */
  readonly closed: boolean;
}

export type Handler = (req: ApiRequest, ctx: Context) => ApiResponse | Promise<ApiResponse>;

/** Saves the state after a mutation; every handler that changes state ends with this. */
export function commit(ctx: Context): void {
  if (!ctx.closed) ctx.store.save();
}
