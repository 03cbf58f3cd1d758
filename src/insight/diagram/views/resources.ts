/**
 * Resource dependency graph: the engine's own DAG, built by the same `stackResources` that `plan`
 * uses, so it shows exactly the resources and ordering `up` would follow. Cloud objects sit in one
 * box, everything that lives on a server in that server's box. Only addresses and edges are used:
 * keys, secrets and build contexts are stand-ins here, so the graph needs no credentials.
 */
import type { ResourceNode } from "../../../engine/resource.ts";
import { stackResources } from "../../../stack/resources.ts";
import { SecretResolver } from "../../../stack/secrets.ts";
import type { StackFacts } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";

const PLACEHOLDER_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiagramPlaceholderKeyNotUsedForAnything diagram";

export async function resourceNodes(facts: StackFacts): Promise<ResourceNode[]> {
  const inputs = {
    stack: facts.stack,
    configDir: "/",
    publicKey: PLACEHOLDER_KEY,
    acme: {},
    secrets: new SecretResolver({}),
    hostKey: () => ({ privateKey: "", publicKey: PLACEHOLDER_KEY }),
    contextHash: async () => "planned-build",
    // Two of Cloudflare's published ranges stand in for the list `plan` fetches; only the graph's
    // shape is drawn, never a rule.
    cloudflareRanges: ["173.245.48.0/20", "2400:cb00::/32"],
  };
  return stackResources(inputs);
}

export async function resources(facts: StackFacts): Promise<Diagram> {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: resource dependency graph`, "LR");
  const nodes = await resourceNodes(facts);
  const serverNames = new Map(facts.servers.map((s) => [`hetzner.server.${s.name}`, s.cloudName]));
  d.group("cloud", "cloud objects");
  for (const node of nodes) {
    const host = node.hostedOn;
    if (host) d.group(`on:${host}`, `on ${serverNames.get(host) ?? host}`);
    const cloudName = serverNames.get(node.address);
    d.node(node.address, [node.address, cloudName ?? ""], { group: host ? `on:${host}` : "cloud" });
  }
  for (const node of nodes) for (const dep of node.dependsOn) d.edge(dep, node.address);
  return d.build();
}
