/**
 * Turns a parsed stack into the resource graph the engine plans over: one node per cloud object, host
 * setting and service release, with the dependencies between them. Pure apart from reading build
 * contexts (to hash them); generated values (host keys) come in from state through `generated`.
 */
import { resolve } from "node:path";
import type { Stack } from "../config/index.ts";
import { address, type ResourceNode } from "../engine/resource.ts";
import { dockerEngine } from "../hosts/docker-engine.ts";
import { hostNodes } from "../hosts/host-nodes.ts";
import { serverUserData } from "../hosts/user-data.ts";
import { labelValue, ownershipLabels } from "../providers/hetzner/labels.ts";
import { server } from "../providers/hetzner/server.ts";
import { sshKey } from "../providers/hetzner/ssh-key.ts";
import { accessoryGraph, withAccessories } from "../services/accessory-nodes.ts";
import { type BuildSpec, contextHash } from "../services/build-context.ts";
import { proxy } from "../services/proxy.ts";
import { gitCommit, type PublishSpec, registryImage, releaseTags } from "../services/publish.ts";
import { release } from "../services/release.ts";
import { releaseId as serviceReleaseId } from "../services/release-composition.ts";
import { infraNodes } from "./infra-nodes.ts";
import { serverInstances } from "./instances.ts";
import type { SecretResolver } from "./secrets.ts";
import { swarmServiceNode } from "./swarm-nodes.ts";

export { type ServerInstance, serverInstances } from "./instances.ts";

export interface HostKeyPair {
  privateKey: string;
  publicKey: string;
}

export interface GraphInputs {
  stack: Stack;
  configDir: string;
  /** The key slipway logs in with. */
  publicKey: string;
  acme: { ca?: string; email?: string; caRootPem?: string };
  secrets: SecretResolver;
  /** The host key of a server (by its resource address), generated once and kept in state. */
  hostKey: (serverAddress: string) => HostKeyPair;
  /** Cloudflare's published ranges, when a host firewall rule admits "cloudflare". */
  cloudflareRanges?: readonly string[];
  /** Names built images; default: hash the build context. Diagrams pass a stand-in (no context needed). */
  contextHash?: (build: BuildSpec) => Promise<string>;
}

/** How a built image reaches the stack's registry: its tags and, if the stack has them, credentials. */
async function publishSpec(
  stack: Stack,
  inputs: GraphInputs,
  image: string,
  build: BuildSpec,
  release: string,
): Promise<PublishSpec> {
  const registry = stack.registry!;
  const creds =
    registry.username && registry.password
      ? inputs.secrets.resolveEnv({ password: registry.password }, "registry").values.password
      : undefined;
  return {
    image,
    build,
    tags: releaseTags(stack.environment, release, await gitCommit(inputs.configDir)),
    login:
      creds === undefined
        ? undefined
        : { server: registry.server, username: registry.username!, password: creds },
  };
}

export async function stackResources(inputs: GraphInputs): Promise<ResourceNode[]> {
  const { stack } = inputs;
  const user = stack.ssh.user;
  const nodes: ResourceNode[] = [];
  const keyAddress = address(sshKey.kind, "deploy");
  nodes.push({
    address: keyAddress,
    kind: sshKey,
    name: "deploy",
    input: {
      name: `${stack.name}-deploy`,
      publicKey: inputs.publicKey,
      labels: { ...stack.labels, ...ownershipLabels(stack.name, "ssh-key.deploy") },
    },
    dependsOn: [],
  });

  const instances = serverInstances(stack);
  const infra = infraNodes(stack, instances, inputs.cloudflareRanges);
  nodes.push(...infra.nodes);
  for (const instance of instances) {
    const spec = stack.servers[instance.group]!;
    const fromInfra = infra.server(instance);
    const hostKey = inputs.hostKey(instance.address);
    nodes.push({
      address: instance.address,
      kind: server,
      name: instance.name,
      input: {
        name: instance.cloudName,
        serverType: spec.type,
        image: spec.image,
        location: spec.location,
        labels: {
          ...stack.labels,
          ...spec.labels,
          "slipway/group": labelValue(instance.group),
          ...ownershipLabels(stack.name, `server.${instance.name}`),
        },
        rootKeys: [inputs.publicKey],
        userData: serverUserData({
          user,
          authorizedKeys: [inputs.publicKey, ...stack.ssh.authorizedKeys],
          hostKey,
        }),
        hostKey: hostKey.publicKey,
        ipv6: spec.ipv6,
        ...fromInfra.input,
      },
      dependsOn: [keyAddress, ...fromInfra.dependsOn],
    });
    nodes.push(
      ...hostNodes({
        stack,
        group: instance.group,
        name: instance.name,
        server: instance.address,
        publicKey: inputs.publicKey,
        cloudflareRanges: inputs.cloudflareRanges,
      }),
    );
  }

  const accessories = await accessoryGraph(stack, inputs.secrets, (group) => {
    const instance = instances.find((i) => i.group === group)!;
    return { server: instance.address, engine: address(dockerEngine.kind, instance.name) };
  });
  nodes.push(...accessories.nodes);
  const proxied = new Set<string>();
  for (const [serviceName, service] of Object.entries(stack.services)) {
    const hosts = instances.filter((i) => service.servers.includes(i.group)).map((i) => i.address);
    const links = accessories.forService(serviceName, hosts);
    const env = withAccessories(inputs.secrets.resolveEnv(service.env, `services.${serviceName}.env`), links);
    const build = service.build && {
      context: resolve(inputs.configDir, service.build.context),
      dockerfile: service.build.dockerfile,
      args: service.build.args,
      target: service.build.target,
      platform: service.build.platform,
    };
    const hash = build && (await (inputs.contextHash ?? contextHash)(build)).slice(0, 12);
    const image = !build
      ? service.image!
      : stack.registry
        ? registryImage(stack.registry, stack.name, serviceName, hash!)
        : `slipway/${stack.name}-${serviceName}:${hash}`;
    const serviceHosts = instances.filter((i) => service.servers.includes(i.group));
    for (const instance of service.domains.length > 0 ? serviceHosts : []) {
      if (proxied.has(instance.name)) continue;
      proxied.add(instance.name);
      nodes.push({
        address: address(proxy.kind, instance.name),
        kind: proxy,
        name: instance.name,
        input: { server: instance.address, user, image: stack.proxy.image, acme: inputs.acme },
        dependsOn: [address(dockerEngine.kind, instance.name)],
        hostedOn: instance.address,
      });
    }
    if (service.runtime === "swarm") {
      nodes.push(
        swarmServiceNode({
          stack,
          serviceName,
          service,
          instances: serviceHosts,
          env,
          secretFiles: inputs.secrets.resolveEnv(service.secrets, `services.${serviceName}.secrets`).values,
          image,
          build,
          publish:
            build && stack.registry ? await publishSpec(stack, inputs, image, build, hash!) : undefined,
          dependsOn: [
            ...serviceHosts.map((i) =>
              address(service.domains.length > 0 ? proxy.kind : dockerEngine.kind, i.name),
            ),
            ...links.dependsOn,
          ],
        }),
      );
      continue;
    }
    const releaseId = serviceReleaseId({
      image,
      env: env.values,
      secretKeys: env.secretKeys,
      port: service.port,
      command: service.command,
      memory: service.memory,
      cpus: service.cpus,
      runAs: service.user,
    });
    // One host at a time: each host's release waits for the previous one, so a release that fails its
    // health check stops the rollout while the other hosts keep serving the old release.
    let previousHost: string[] = [];
    for (const instance of serviceHosts) {
      const engine = address(dockerEngine.kind, instance.name);
      const proxyAddress = address(proxy.kind, instance.name);
      nodes.push({
        address: address(release.kind, `${serviceName}@${instance.name}`),
        kind: release,
        name: `${serviceName}@${instance.name}`,
        input: {
          server: instance.address,
          user,
          stack: stack.name,
          service: serviceName,
          release: releaseId,
          image,
          build,
          publish:
            build && stack.registry ? await publishSpec(stack, inputs, image, build, releaseId) : undefined,
          port: service.port,
          env: env.values,
          secretKeys: env.secretKeys,
          command: service.command,
          domains: service.domains,
          pathPrefix: service.pathPrefix,
          securityHeaders: stack.proxy.securityHeaders,
          healthcheck: service.healthcheck,
          drain: service.drain,
          keepReleases: service.keepReleases,
          hooks: service.hooks,
          memory: service.memory,
          cpus: service.cpus,
          runAs: service.user,
        },
        dependsOn: [
          ...(service.domains.length > 0 ? [engine, proxyAddress] : [engine]),
          ...links.dependsOn,
          ...previousHost,
        ],
        hostedOn: instance.address,
      });
      previousHost = [address(release.kind, `${serviceName}@${instance.name}`)];
    }
  }
  return throughBastion(stack, nodes);
}

/**
 * With ssh.bastion, every other server is reached through the bastion (a group of one server): what runs
 * on them must wait until the bastion exists and has been read, or there is no way in.
 */
function throughBastion(stack: Stack, nodes: ResourceNode[]): ResourceNode[] {
  if (stack.ssh.bastion === undefined) return nodes;
  const bastion = address(server.kind, stack.ssh.bastion);
  return nodes.map((node) =>
    node.hostedOn && node.hostedOn !== bastion && !node.dependsOn.includes(bastion)
      ? { ...node, dependsOn: [...node.dependsOn, bastion] }
      : node,
  );
}
