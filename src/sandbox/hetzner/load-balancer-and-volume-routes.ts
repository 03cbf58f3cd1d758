/**
 * Every route of load balancers and volumes, with their action endpoints, gathered so the emulator's
 * route table takes them in one line; and what a restart does to their realizations.
 */
import { resourceActionRoutes } from "./action-routes.ts";
import type { Context, Handler } from "./context.ts";
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

/** Mounts do not survive a reboot of the host: puts every attachment in state back. */
export async function restoreVolumes(ctx: Context): Promise<void> {
  const attachments = ctx.store.state.volumes.flatMap((v) =>
    v.serverId === null ? [] : [{ volumeId: v.id, serverId: v.serverId }],
  );
  await ctx.volumeDriver?.restore(attachments);
}
