/**
 * The node of a `runtime: "swarm"` service: one per service, applied on the swarm's manager once every
 * server of the swarm has joined and every web server runs Caddy. Checks what Swarm cannot do here
 * before anything is planned.
 */
import type { Service, Stack } from "../config/index.ts";
import { address, type ResourceNode } from "../engine/resource.ts";
import { UsageError } from "../errors.ts";
import { swarmGroups, swarmManagerName } from "../hosts/host-nodes.ts";
import { swarm } from "../hosts/swarm.ts";
import type { BuildSpec } from "../services/build-context.ts";
import type { PublishSpec } from "../services/publish.ts";
import { type SwarmServiceInput, swarmReleaseId, swarmService } from "../services/swarm/service.ts";
import { serverInstances } from "./instances.ts";

export interface SwarmNodeInputs {
  stack: Stack;
  serviceName: string;
  service: Service;
  /** The service's servers: logical name and hetzner.server address. */
  instances: { name: string; address: string }[];
  env: { values: Record<string, string>; secretKeys: string[] };
  secretFiles: Record<string, string>;
  image: string;
  build?: BuildSpec;
  publish?: PublishSpec;
  /** Addresses the service needs first besides swarm membership (proxies, accessories). */
  dependsOn: string[];
}

export function swarmServiceNode(inputs: SwarmNodeInputs): ResourceNode {
  const { stack, serviceName, service, instances } = inputs;
  const where = `services.${serviceName}`;
  if (service.dependsOn.some((name) => name in stack.accessories)) {
    throw new UsageError(`${where}.dependsOn: a swarm service cannot reach accessories yet`, {
      hint: 'Use runtime: "docker" for services that talk to accessories, or run the database as its own swarm service.',
    });
  }
  if (inputs.build && !stack.registry && instances.length > 1) {
    throw new UsageError(`${where}.build: a swarm service on ${instances.length} servers needs a registry`, {
      hint: "Set registry (e.g. the sandbox's or ghcr.io) so every swarm node can pull the image, or give image instead of build.",
    });
  }
  if (Object.keys(service.hooks).length > 0) {
    throw new UsageError(`${where}.hooks: not run for swarm services yet`, {
      hint: 'Remove hooks, or use runtime: "docker" for a service that needs them.',
    });
  }
  const manager = swarmManagerName(stack)!;
  const user = stack.ssh.user;
  const parts = {
    image: inputs.image,
    port: service.port,
    env: inputs.env.values,
    secrets: inputs.secretFiles,
    command: service.command,
    replicas: service.replicas * instances.length,
    healthcheck: service.healthcheck,
    drain: service.drain,
    memory: service.memory,
    cpus: service.cpus,
    runAs: service.user,
    mounts: service.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`),
  };
  const input: SwarmServiceInput = {
    ...parts,
    server: address("hetzner.server", manager),
    user,
    stack: stack.name,
    service: serviceName,
    release: swarmReleaseId(parts),
    build: inputs.build,
    publish: inputs.publish,
    secretKeys: inputs.env.secretKeys,
    domains: service.domains,
    pathPrefix: service.pathPrefix,
    securityHeaders: stack.proxy.securityHeaders,
    gateways: service.domains.length > 0 ? instances.map((i) => ({ server: i.address, user })) : [],
    proxyImage: stack.proxy.image,
  };
  const groups = swarmGroups(stack);
  const members = serverInstances(stack)
    .filter((i) => groups.includes(i.group))
    .map((i) => i.name);
  return {
    address: address(swarmService.kind, serviceName),
    kind: swarmService,
    name: serviceName,
    input,
    dependsOn: [...members.map((m) => address(swarm.kind, m)), ...inputs.dependsOn],
    hostedOn: input.server,
  };
}
