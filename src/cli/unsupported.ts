/**
 * Parts of a stack file this version validates but does not apply yet. Saying so beats a plan that
 * silently leaves out the firewall the user asked for.
 */
import type { Stack } from "../config/index.ts";
import { SUPPORTED_ACCESSORIES } from "../services/accessory-nodes.ts";
import { warn } from "./output.ts";

export function unsupportedParts(stack: Stack): string[] {
  const parts: string[] = [];
  const nonEmpty = (name: string, record: Record<string, unknown>) => {
    if (Object.keys(record).length > 0) parts.push(name);
  };
  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    if (lb.services.some((s) => s.protocol === "https")) parts.push(`loadBalancers.${name} https services`);
  }
  // Volumes are created and attached; formatting them is Hetzner's, mounting them at mountPath is not done yet.
  for (const name of Object.keys(stack.volumes)) parts.push(`volumes.${name}.mountPath`);
  for (const [name, accessory] of Object.entries(stack.accessories)) {
    if (!SUPPORTED_ACCESSORIES.includes(accessory.type))
      parts.push(`accessories.${name} (type "${accessory.type}")`);
    else if (accessory.network || accessory.replicas.length > 0 || accessory.volume)
      parts.push(`accessories.${name}.network/replicas/volume`);
  }
  nonEmpty("backups", stack.backups);
  if (stack.proxy.redirectWww) parts.push("proxy.redirectWww");
  for (const [name, service] of Object.entries(stack.services)) {
    // Swarm runs replicas, mounts and secret files; the docker runtime does not yet.
    if (service.runtime === "swarm") continue;
    if (service.replicas > 1) parts.push(`services.${name}.replicas > 1`);
    if (service.mounts.length > 0) parts.push(`services.${name}.mounts`);
    if (Object.keys(service.secrets).length > 0) parts.push(`services.${name}.secrets`);
  }
  return parts;
}

export function warnUnsupported(stack: Stack): void {
  const parts = unsupportedParts(stack);
  if (parts.length === 0) return;
  warn(`this version of slipway validates but does not yet apply: ${parts.join(", ")}`);
}
