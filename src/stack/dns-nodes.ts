/**
 * The stack's `dns` section as resource nodes: one Cloudflare record per record entry, or one per
 * server when a record points at a server group (round-robin A/AAAA), each taking its address from
 * the server's live outputs, so a replaced server moves its records with it in the same run.
 */

import { recordHost } from "../config/dns.ts";
import type { Stack } from "../config/index.ts";
import { ref } from "../engine/refs.ts";
import { address, type ResourceNode } from "../engine/resource.ts";
import {
  type DnsRecordInput,
  dnsRecord,
  ownershipMarker,
  recordComment,
} from "../providers/cloudflare/dns-record.ts";
import type { ObservedServer } from "../providers/hetzner/server.ts";

interface ServerInstanceRef {
  group: string;
  name: string;
  address: string;
}

/** The host address of a server's public IPv6 network (Hetzner gives a /64; ::1 is the server). */
export function serverIpv6(network: string | null): string | undefined {
  if (!network) return undefined;
  const prefix = network.replace(/\/\d+$/, "");
  return prefix.endsWith("::") ? `${prefix}1` : prefix;
}

/** Where a load balancer's public address comes from: its address and a ref to its IPv4. */
export type LoadBalancerAddress = (name: string) => { address: string; ipv4: unknown };

export function dnsNodes(
  stack: Stack,
  instances: readonly ServerInstanceRef[],
  loadBalancerAddress?: LoadBalancerAddress,
): ResourceNode[] {
  const dns = stack.dns;
  if (!dns) return [];
  const nodes: ResourceNode[] = [];
  dns.records.forEach((record) => {
    const host = recordHost(dns.zone, record.name);
    const key = `${record.name}.${record.type}`.toLowerCase();
    const base = {
      zone: dns.zone,
      name: host,
      type: record.type,
      proxied: record.proxied,
      // Cloudflare forces automatic TTL on proxied records; asking otherwise would never converge.
      ttl: record.proxied || record.ttl === "auto" ? 1 : record.ttl,
      ...(record.priority !== undefined ? { priority: record.priority } : {}),
    };
    const push = (name: string, input: DnsRecordInput | Record<string, unknown>, dependsOn: string[]) =>
      nodes.push({ address: address(dnsRecord.kind, name), kind: dnsRecord, name, input, dependsOn });

    if (record.value !== undefined) {
      push(
        key,
        {
          ...base,
          content: record.value,
          comment: recordComment(record.comment, ownershipMarker(stack.name, key)),
        },
        [],
      );
      return;
    }
    if (record.server !== undefined) {
      for (const instance of instances.filter((s) => s.group === record.server)) {
        const name = `${key}.${instance.name}`;
        const pick =
          record.type === "AAAA"
            ? (s: ObservedServer) => serverIpv6(s.ipv6)
            : (s: ObservedServer) => s.ipv4 ?? undefined;
        push(
          name,
          {
            ...base,
            content: ref(instance.address, pick),
            comment: recordComment(record.comment, ownershipMarker(stack.name, name)),
          },
          [instance.address],
        );
      }
      return;
    }
    if (record.loadBalancer !== undefined && loadBalancerAddress) {
      const lb = loadBalancerAddress(record.loadBalancer);
      push(
        key,
        {
          ...base,
          content: lb.ipv4,
          comment: recordComment(record.comment, ownershipMarker(stack.name, key)),
        },
        [lb.address],
      );
    }
  });
  return nodes;
}
