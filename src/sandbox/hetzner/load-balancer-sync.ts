/**
 * Keeps each load balancer's proxy converged to its spec. An action applies its load balancer's spec at
 * once and ends when the proxy has it; a timer re-derives every spec every few seconds, so changes made
 * elsewhere (a server created with matching labels, deleted, relabelled, moved between networks) reach
 * the proxies without the server routes knowing about load balancers. A spec is applied only when it
 * differs from the last one applied, and applies to one load balancer never overlap. Without a driver
 * nothing is realized and actions succeed at once.
 */
import { finishAction, startAction } from "./actions.ts";
import { type Context, commit } from "./context.ts";
import { type LoadBalancerDriver, loadBalancerSpec, type TargetHealth } from "./load-balancer-driver.ts";
import type { LoadBalancerRecord } from "./load-balancer-model.ts";
import { failureOf, realizeNetworking } from "./network-realization.ts";
import type { ActionRecord } from "./state.ts";

const DEFAULT_INTERVAL_MS = 2000;

class LoadBalancerSync {
  private readonly applied = new Map<number, string>();
  private readonly queues = new Map<number, Promise<void>>();
  private readonly reported = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ctx: Context;
  private readonly driver: LoadBalancerDriver | undefined;

  constructor(ctx: Context, driver: LoadBalancerDriver | undefined) {
    this.ctx = ctx;
    this.driver = driver;
  }

  /** Runs `work` after every earlier one for the same load balancer. */
  private queue(id: number, work: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(id) ?? Promise.resolve()).catch(() => {}).then(work);
    this.queues.set(id, next);
    return next;
  }

  sync(id: number): Promise<void> {
    return this.queue(id, async () => {
      const lb = this.ctx.store.state.loadBalancers.find((l) => l.id === id);
      if (!lb || !this.driver || this.ctx.closed) return;
      const spec = loadBalancerSpec(this.ctx.store.state, lb);
      const key = JSON.stringify(spec);
      if (this.applied.get(id) === key) return;
      // The Docker network of a private network is made by the machine driver (network-realization.ts).
      if (spec.networks.length > 0) {
        const refs = spec.networks.map((n) => ({ id: n.network, type: "network" }));
        const failure = failureOf(await realizeNetworking(this.ctx), refs);
        if (failure) throw new Error(failure.message);
      }
      await this.driver.apply(spec);
      this.applied.set(id, key);
    });
  }

  destroy(id: number): Promise<void> {
    return this.queue(id, async () => {
      this.applied.delete(id);
      await this.driver?.destroy(id);
    });
  }

  async health(id: number): Promise<TargetHealth[]> {
    if (!this.driver) return [];
    try {
      return await this.driver.health(id);
    } catch {
      return []; // a proxy that cannot answer has no results: every target reads `unknown`
    }
  }

  /** One pass over every load balancer; failures are logged once and retried on the next pass. */
  async syncAll(): Promise<void> {
    for (const lb of [...this.ctx.store.state.loadBalancers]) {
      try {
        await this.sync(lb.id);
      } catch (error) {
        const message = `load balancer ${lb.id}: ${error instanceof Error ? error.message : String(error)}`;
        if (!this.reported.has(message)) console.error(`hetzner emulator: ${message}`);
        this.reported.add(message);
      }
    }
  }

  start(intervalMs: number, prune: boolean): void {
    const first = prune
      ? this.driver?.prune(this.ctx.store.state.loadBalancers.map((l) => l.id)).catch((error: unknown) => {
          console.error("hetzner emulator: pruning load balancers failed", error);
        })
      : undefined;
    const tick = async () => {
      await first;
      await this.syncAll();
      if (!this.ctx.closed) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    if (this.driver) this.timer = setTimeout(() => void tick(), prune ? 0 : intervalMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

const syncs = new WeakMap<Context, LoadBalancerSync>();

function syncOf(ctx: Context): LoadBalancerSync {
  let sync = syncs.get(ctx);
  if (!sync) {
    sync = new LoadBalancerSync(ctx, ctx.loadBalancerDriver);
    syncs.set(ctx, sync);
  }
  return sync;
}

/**
 * Starts the periodic convergence; `restarted` also removes proxies whose load balancer is gone and
 * applies every spec at once. Returns the function that stops it.
 */
export function startLoadBalancerSync(
  ctx: Context,
  options: { intervalMs?: number; restarted: boolean },
): () => void {
  const sync = syncOf(ctx);
  sync.start(options.intervalMs ?? DEFAULT_INTERVAL_MS, options.restarted);
  return () => sync.stop();
}

export function loadBalancerHealth(ctx: Context, id: number): Promise<TargetHealth[]> {
  return syncOf(ctx).health(id);
}

/** Removes the proxy in the background (the API's delete answers without an action). */
export function destroyLoadBalancerLater(ctx: Context, id: number): void {
  ctx.background(() => syncOf(ctx).destroy(id));
}

/** Re-applies in the background, for changes that answer without an action (labels, name). */
export function syncLoadBalancerLater(ctx: Context, id: number): void {
  ctx.background(() => syncOf(ctx).sync(id));
}

/**
 * Starts an action on the load balancer (state already changed by the caller) that ends when its proxy
 * runs the new configuration: `success`, or `error` with code `action_failed` and the driver's message.
 */
export function startLoadBalancerAction(
  ctx: Context,
  lb: LoadBalancerRecord,
  command: string,
  extra: readonly { id: number; type: string }[] = [],
): ActionRecord {
  const action = startAction(ctx.store.state, command, [{ id: lb.id, type: "load_balancer" }, ...extra]);
  commit(ctx);
  ctx.background(async () => {
    let failure: string | null = null;
    try {
      await syncOf(ctx).sync(lb.id);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (ctx.closed) return;
    finishAction(action, failure === null ? null : { code: "action_failed", message: failure });
    commit(ctx);
  });
  return action;
}
