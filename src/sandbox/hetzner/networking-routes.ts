/**
 * Every route of networks, firewalls, placement groups and primary IPs, with their action endpoints,
 * gathered so the emulator's route table takes them in one line.
 */
import { resourceActionRoutes } from "./action-routes.ts";
import type { Handler } from "./context.ts";
import { findFirewall, firewallRoutes } from "./firewall-routes.ts";
import { networkAttachRoutes } from "./network-attach.ts";
import { findNetwork, networkRoutes } from "./network-routes.ts";
import { placementGroupRoutes } from "./placement-group-routes.ts";
import { findPrimaryIp, primaryIpRoutes } from "./primary-ip-routes.ts";
import type { Route } from "./router.ts";

export const networkingRoutes: readonly Route<Handler>[] = [
  ...networkRoutes,
  ...networkAttachRoutes,
  ...resourceActionRoutes("network", "/networks", findNetwork),
  ...firewallRoutes,
  ...resourceActionRoutes("firewall", "/firewalls", findFirewall),
  ...placementGroupRoutes,
  ...primaryIpRoutes,
  ...resourceActionRoutes("primary_ip", "/primary_ips", findPrimaryIp),
];
