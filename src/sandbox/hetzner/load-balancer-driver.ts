/**
 * The boundary between the emulator's load balancer records and the proxies that realize them (in the
 * sandbox a haproxy container per load balancer, src/sandbox/lb/). loadBalancerSpec() is pure: the
 * whole desired proxy of one load balancer, in API terms (public and private IPs, services, resolved
 * targets), so the driver converges to it idempotently. Health comes back per service listen port and
 * target key, and the view turns it into each target's `health_status`.
 */
import type { Algorithm, LoadBalancerRecord, ServiceRecord } from "./load-balancer-model.ts";
import { loadBalancerNetworks, type ResolvedTarget, resolveTargets } from "./load-balancer-targets.ts";
import type { State } from "./state.ts";

export interface LoadBalancerSpec {
  readonly id: number;
  /** The public IPv4 (127.0.3.x) the proxy lives at, whether or not the public interface is enabled. */
  readonly publicIpv4: string;
  /** False: services listen on the private IPs only. */
  readonly publicInterface: boolean;
  /** Private networks: the load balancer's IP on each, and the network's whole range. */
  readonly networks: readonly { readonly network: number; readonly ip: string; readonly ipRange: string }[];
  readonly algorithm: Algorithm;
  readonly services: readonly ServiceRecord[];
  readonly targets: readonly ResolvedTarget[];
}

export type HealthStatus = "healthy" | "unhealthy" | "unknown";

export interface TargetHealth {
  readonly listenPort: number;
  /** A ResolvedTarget key: "server:<id>" or "ip:<address>". */
  readonly target: string;
  readonly status: HealthStatus;
}

export interface LoadBalancerDriver {
  /** Creates or reconfigures the proxy without dropping established connections. */
  apply(spec: LoadBalancerSpec): Promise<void>;
  /** Removes the proxy and everything it owned; a missing one is not an error. */
  destroy(id: number): Promise<void>;
  /** The latest health check results; empty when the proxy is not running. */
  health(id: number): Promise<TargetHealth[]>;
  /** Removes proxies of load balancers that no longer exist (after a restart). */
  prune(keep: readonly number[]): Promise<void>;
}

export function loadBalancerSpec(state: State, lb: LoadBalancerRecord): LoadBalancerSpec {
  return {
    id: lb.id,
    publicIpv4: lb.publicIpv4,
    publicInterface: lb.publicInterface,
    networks: loadBalancerNetworks(state, lb.id).map((n) => ({
      ...n,
      ipRange: state.networks.find((r) => r.id === n.network)?.ip_range ?? `${n.ip}/32`,
    })),
    algorithm: lb.algorithm,
    services: lb.services.map((s) => structuredClone(s)),
    targets: resolveTargets(state, lb),
  };
}
