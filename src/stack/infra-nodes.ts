/**
 * The stack's infrastructure sections as resource nodes: networks (with their subnets and routes),
 * cloud firewalls, placement groups, load balancers, volumes, buckets and DNS records, plus what each
 * server takes from them. Firewalls and load balancers reach servers through the label selector of
 * their group (`slipway/stack=…,slipway/group=…`) rather than server ids: a firewall is then created
 * before its servers and protects them from their first boot, a replaced server is covered the moment
 * it exists, and one side alone owns each attachment. Volumes take their server's id by ref.
 */
import type { Stack } from "../config/index.ts";
import type { LoadBalancer as LoadBalancerConfig } from "../config/load-balancer.ts";
import { ref } from "../engine/refs.ts";
import { address, type ResourceNode } from "../engine/resource.ts";
import { UsageError } from "../errors.ts";
import { type FirewallRule, firewall } from "../providers/hetzner/firewall.ts";
import { labelValue, ownershipLabels, STACK_LABEL } from "../providers/hetzner/labels.ts";
import {
  type LoadBalancerService,
  loadBalancer,
  type ObservedLoadBalancer,
} from "../providers/hetzner/load-balancer.ts";
import { network, type ObservedNetwork } from "../providers/hetzner/network.ts";
import { type ObservedPlacementGroup, placementGroup } from "../providers/hetzner/placement-group.ts";
import type { ObservedServer, ServerNetwork } from "../providers/hetzner/server.ts";
import { volume } from "../providers/hetzner/volume.ts";
import { bucket } from "../providers/s3/bucket.ts";
import { dnsNodes } from "./dns-nodes.ts";

interface Instance {
  group: string;
  name: string;
  address: string;
}

/** What a server node takes from the infrastructure: input fields and the nodes they come from. */
export interface ServerInfra {
  input: { networks: ServerNetwork[]; placementGroup: number | null };
  dependsOn: string[];
}

export interface InfraGraph {
  nodes: ResourceNode[];
  server(instance: Instance): ServerInfra;
}

const ANY = ["0.0.0.0/0", "::/0"];

/** The label selector of the servers of one group: what firewalls and load balancers target. */
export function groupSelector(stack: string, group: string): string {
  return `${STACK_LABEL}=${stack},slipway/group=${labelValue(group)}`;
}

/** Whether a cloud firewall admits "cloudflare", so its published ranges must be fetched. */
export function firewallsUseCloudflare(stack: Stack): boolean {
  return Object.values(stack.firewalls).some((fw) =>
    fw.rules.some((r) => [...r.sources, ...r.destinations].includes("cloudflare")),
  );
}

function firewallRules(
  stack: Stack,
  name: string,
  cloudflare: readonly string[] | undefined,
): FirewallRule[] {
  const expand = (list: readonly string[], i: number) =>
    list.flatMap((source) => {
      if (source === "any") return ANY;
      if (source !== "cloudflare") return [source];
      if (!cloudflare)
        throw new UsageError(`firewalls.${name}.rules[${i}]: Cloudflare's ranges are not known`);
      return [...cloudflare];
    });
  return stack.firewalls[name]!.rules.map((r, i) => ({
    direction: r.direction,
    protocol: r.protocol,
    port: r.port === undefined ? null : String(r.port),
    sourceIps: expand(r.sources, i),
    destinationIps: expand(r.destinations, i),
    description: r.description ?? null,
  }));
}

const seconds = (ms: number) => Math.max(1, Math.round(ms / 1000));

export function loadBalancerServices(lb: LoadBalancerConfig): LoadBalancerService[] {
  // https services need Hetzner-managed certificates, which slipway does not create yet (unsupported.ts).
  return lb.services
    .filter((s) => s.protocol !== "https")
    .map((s) => ({
      protocol: s.protocol as "tcp" | "http",
      listenPort: s.listen,
      destinationPort: s.destination,
      proxyProtocol: s.proxyProtocol,
      healthCheck: {
        protocol: s.healthcheck.protocol,
        port: s.healthcheck.port,
        interval: seconds(s.healthcheck.interval),
        timeout: seconds(s.healthcheck.timeout),
        retries: s.healthcheck.retries,
        http:
          s.healthcheck.protocol === "tcp"
            ? null
            : {
                domain: s.healthcheck.domain ?? null,
                path: s.healthcheck.path,
                statusCodes: s.healthcheck.statusCodes,
              },
      },
      http:
        s.protocol === "http"
          ? {
              stickySessions: s.http?.stickySessions ?? false,
              cookieName: s.http?.cookieName ?? "HCLBSTICKY",
              cookieLifetime: seconds(s.http?.cookieLifetime ?? 300_000),
            }
          : null,
    }));
}

export function infraNodes(
  stack: Stack,
  instances: readonly Instance[],
  cloudflareRanges?: readonly string[],
): InfraGraph {
  const nodes: ResourceNode[] = [];
  const labels = (extra: Record<string, string>, resource: string) => ({
    ...stack.labels,
    ...extra,
    ...ownershipLabels(stack.name, resource),
  });
  const push = (node: Omit<ResourceNode, "address">) =>
    nodes.push({ ...node, address: address(node.kind.kind, node.name) });
  const networkId = (name: string) => ref(address(network.kind, name), (n: ObservedNetwork) => n.id);

  for (const [name, spec] of Object.entries(stack.networks)) {
    push({
      kind: network,
      name,
      input: {
        name: `${stack.name}-${name}`,
        ipRange: spec.ipRange,
        zone: spec.zone,
        subnets: Object.values(spec.subnets).map((s) => s.ipRange),
        routes: spec.routes,
        labels: labels(spec.labels, `network.${name}`),
      },
      dependsOn: [],
    });
  }
  for (const name of Object.keys(stack.firewalls)) {
    const spec = stack.firewalls[name]!;
    push({
      kind: firewall,
      name,
      input: {
        name: `${stack.name}-${name}`,
        labels: labels(spec.labels, `firewall.${name}`),
        rules: firewallRules(stack, name, cloudflareRanges),
        applyTo: spec.applyTo.map((group) => ({ labelSelector: groupSelector(stack.name, group) })),
      },
      dependsOn: [],
    });
  }
  for (const [name, spec] of Object.entries(stack.placementGroups)) {
    push({
      kind: placementGroup,
      name,
      input: {
        name: `${stack.name}-${name}`,
        labels: labels(spec.labels, `placement-group.${name}`),
        type: spec.type,
      },
      dependsOn: [],
    });
  }
  for (const [name, spec] of Object.entries(stack.loadBalancers)) {
    const net = spec.network;
    push({
      kind: loadBalancer,
      name,
      input: {
        name: `${stack.name}-${name}`,
        type: spec.type,
        location: spec.location,
        algorithm: spec.algorithm,
        services: loadBalancerServices(spec),
        targets: spec.targets.map((group) => ({ labelSelector: groupSelector(stack.name, group) })),
        usePrivateIp: net !== undefined,
        network: net ? { id: networkId(net), ip: spec.ip ?? null } : null,
        public: spec.public,
        labels: labels(spec.labels, `load-balancer.${name}`),
      },
      dependsOn: net ? [address(network.kind, net)] : [],
    });
  }
  for (const [name, spec] of Object.entries(stack.volumes)) {
    for (const instance of instances.filter((i) => spec.servers.includes(i.group))) {
      const key = `${name}.${instance.name}`;
      push({
        kind: volume,
        name: key,
        input: {
          name: `${stack.name}-${name}-${instance.name}`,
          size: spec.size,
          format: spec.format,
          server: ref(instance.address, (s: ObservedServer) => s.id),
          location: stack.servers[instance.group]!.location,
          automount: false,
          labels: labels(spec.labels, `volume.${key}`),
        },
        dependsOn: [instance.address],
      });
    }
  }
  for (const [key, spec] of Object.entries(stack.buckets)) {
    if (!spec.encryption) {
      throw new UsageError(
        `buckets.${key}.encryption: false cannot be honoured: S3 encrypts every new object (SSE-S3) and that cannot be turned off`,
        { hint: "Remove encryption: false (the default, true, is what every bucket gets)." },
      );
    }
    push({
      kind: bucket,
      name: key,
      input: {
        name: spec.name,
        versioning: spec.versioning,
        lifecycle: spec.lifecycle,
        keepOnDestroy: spec.keepOnDestroy,
      },
      dependsOn: [],
    });
  }
  const lbIpv4 = (name: string) => ({
    address: address(loadBalancer.kind, name),
    ipv4: ref(address(loadBalancer.kind, name), (lb: ObservedLoadBalancer) => lb.ipv4 ?? undefined),
  });
  nodes.push(...dnsNodes(stack, instances, lbIpv4));

  return {
    nodes,
    server(instance) {
      const spec = stack.servers[instance.group]!;
      const position = instances
        .filter((i) => i.group === instance.group)
        .findIndex((i) => i.address === instance.address);
      const networks = Object.entries(spec.networks).map(([name, attachment]) => {
        const subnets = stack.networks[name]?.subnets ?? {};
        // Hetzner picks the first subnet unless told which range to take the address from.
        const range =
          Object.keys(subnets).length > 1 && attachment.subnet
            ? subnets[attachment.subnet]?.ipRange
            : undefined;
        return {
          network: networkId(name) as unknown as number,
          ip: attachment.ips?.[position] ?? null,
          ...(range ? { ipRange: range } : {}),
        };
      });
      const pg = spec.placementGroup;
      const firewalls = Object.entries(stack.firewalls)
        .filter(([, fw]) => fw.applyTo.includes(instance.group))
        .map(([name]) => address(firewall.kind, name));
      return {
        input: {
          networks,
          placementGroup: pg
            ? (ref(
                address(placementGroup.kind, pg),
                (p: ObservedPlacementGroup) => p.id,
              ) as unknown as number)
            : null,
        },
        dependsOn: [
          ...Object.keys(spec.networks).map((n) => address(network.kind, n)),
          ...(pg ? [address(placementGroup.kind, pg)] : []),
          ...firewalls,
        ],
      };
    },
  };
}
