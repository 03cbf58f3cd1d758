/**
 * Every route of load balancers and volumes, with their action endpoints, gathered so the emulator's
 * route table takes them in one line; and what a restart does to their realizations.
 */
import { resourceActionRoutes } from "./action-routes.ts";
import { type Context, commit, type Handler } from "./context.ts";
import { loadBalancerActionRoutes } from "./load-balancer-actions.ts";
import { findLoadBalancer, loadBalancerRoutes } from "./load-balancer-routes.ts";
import type { Route } from "./router.ts";
import { volumeActionRoutes } from "./volume-actions.ts";
import { findVolume, volumeRoutes } from "./volume-routes.ts";

export const loadBalancerAndVolumeRoutes: readonly Route<Handler>[] = [
  ...loadBalancerRoutes,
  ...loadBalancerActionRoutes,
  ...resourceActionRoutes("load_balancer", "/load_balancers", findLoadBalancer),
  ...volumeRoutes,
  ...volumeActionRoutes,
  ...resourceActionRoutes("volume", "/volumes", findVolume),
];

/**
 * After a restart: a volume whose create was cut short gets its storage now (creates are idempotent)
 * and becomes available; and since mounts do not survive a reboot of the host, every attachment in
 * state is put back.
 */
export async function restoreVolumes(ctx: Context): Promise<void> {
  const state = ctx.store.state;
  for (const volume of state.volumes.filter((v) => v.status === "creating")) {
    await ctx.volumeDriver?.create(volume.id, volume.format);
    volume.status = "available";
  }
  if (!ctx.closed) commit(ctx);
  const attachments = state.volumes.flatMap((v) =>
    v.serverId === null ? [] : [{ volumeId: v.id, serverId: v.serverId }],
  );
  await ctx.volumeDriver?.restore(attachments);
}
