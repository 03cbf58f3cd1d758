// The infrastructure sections of the example stacks as resource nodes: addresses, dependencies, refs.
import { describe, expect, it } from "vitest";
import { loadStack, parseStack } from "../../../src/config/index.ts";
import { topologicalOrder } from "../../../src/engine/graph.ts";
import { refAddresses, resolveRefs } from "../../../src/engine/refs.ts";
import type { ResourceNode } from "../../../src/engine/resource.ts";
import type { FirewallInput } from "../../../src/providers/hetzner/firewall.ts";
import type { LoadBalancerInput } from "../../../src/providers/hetzner/load-balancer.ts";
import type { ServerInput } from "../../../src/providers/hetzner/server.ts";
import { groupSelector, infraNodes } from "../../../src/stack/infra-nodes.ts";
import { serverInstances, stackResources } from "../../../src/stack/resources.ts";
import { SecretResolver } from "../../../src/stack/secrets.ts";
import { withStack } from "../config/helpers.ts";

async function exampleGraph(name: string): Promise<ResourceNode[]> {
  const { stack, dir } = await loadStack(
    new URL(`../../../examples/${name}/slipway.config.ts`, import.meta.url).pathname,
  );
  return stackResources({
    stack,
    configDir: dir,
    publicKey: "ssh-ed25519 AAAA test",
    acme: {},
    secrets: new SecretResolver({}),
    hostKey: () => ({ privateKey: "k", publicKey: "ssh-ed25519 AAAA host" }),
    cloudflareRanges: ["173.245.48.0/20"],
    contextHash: async () => "0123456789abcdef",
  });
}

/** Cloud nodes (not host settings or releases) as "address <- dependencies". */
function cloudEdges(nodes: ResourceNode[]): string[] {
  return nodes
    .filter((n) => !n.kind.kind.startsWith("host.") && !n.kind.kind.startsWith("service."))
    .map((n) => `${n.address} <- ${[...n.dependsOn].sort().join(", ")}`)
    .sort();
}

function expectSoundGraph(nodes: ResourceNode[]) {
  expect(topologicalOrder(nodes)).toHaveLength(nodes.length); // no cycle
  for (const n of nodes) {
    for (const target of refAddresses(n.input)) expect(n.dependsOn).toContain(target);
  }
}

describe("a stack with a bastion", () => {
  it("makes everything that runs on the other servers wait for the bastion, the way in", async () => {
    const nodes = await exampleGraph("tux");
    const hosted = nodes.filter((n) => n.hostedOn !== undefined);
    const onBastion = hosted.filter((n) => n.hostedOn === "hetzner.server.bastion");
    const elsewhere = hosted.filter((n) => n.hostedOn !== "hetzner.server.bastion");
    expect(onBastion.length).toBeGreaterThan(0);
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const n of elsewhere) expect(n.dependsOn, n.address).toContain("hetzner.server.bastion");
    for (const n of onBastion)
      expect(n.dependsOn.filter((d) => d === "hetzner.server.bastion")).toHaveLength(1);
    expectSoundGraph(nodes);
  });
});

describe("infrastructure nodes of the examples", () => {
  it("mandari: network, firewall, placement group, balancer, a volume per server, bucket and balancer records", async () => {
    const nodes = await exampleGraph("mandari");
    expectSoundGraph(nodes);
    expect(cloudEdges(nodes)).toEqual([
      "cloudflare.dnsRecord.@.a <- hetzner.loadBalancer.main",
      "cloudflare.dnsRecord.www.a <- hetzner.loadBalancer.main",
      "hetzner.firewall.firewall <- ",
      "hetzner.loadBalancer.main <- hetzner.network.main",
      "hetzner.network.main <- ",
      "hetzner.placementGroup.nodes <- ",
      "hetzner.server.master <- hetzner.firewall.firewall, hetzner.network.main, hetzner.placementGroup.nodes, hetzner.sshKey.deploy",
      "hetzner.server.replica <- hetzner.firewall.firewall, hetzner.network.main, hetzner.placementGroup.nodes, hetzner.sshKey.deploy",
      "hetzner.sshKey.deploy <- ",
      "hetzner.volume.data.master <- hetzner.server.master",
      "hetzner.volume.data.replica <- hetzner.server.replica",
      "s3.bucket.backups <- ",
    ]);
  });

  it("tux: a firewall per role, the web servers spread, database volumes and the balancer's records", async () => {
    const nodes = await exampleGraph("tux");
    expectSoundGraph(nodes);
    const edges = cloudEdges(nodes);
    expect(edges).toContain("hetzner.loadBalancer.main <- hetzner.network.main");
    expect(edges).toContain(
      "hetzner.server.web-1 <- hetzner.firewall.private, hetzner.network.main, hetzner.placementGroup.web, hetzner.sshKey.deploy",
    );
    expect(edges).toContain(
      "hetzner.server.bastion <- hetzner.firewall.bastion, hetzner.network.main, hetzner.sshKey.deploy",
    );
    expect(edges).toContain("hetzner.volume.pgdata.db-replica <- hetzner.server.db-replica");
    expect(edges).toContain("cloudflare.dnsRecord.api.a <- hetzner.loadBalancer.main");
    expect(edges).toContain("s3.bucket.backups <- ");
    const lb = nodes.find((n) => n.address === "hetzner.loadBalancer.main")!.input as LoadBalancerInput;
    expect(lb).toMatchObject({
      algorithm: "least_connections",
      usePrivateIp: true,
      targets: [{ labelSelector: "slipway/stack=tux,slipway/group=web" }],
    });
    expect(lb.services[0]!.healthCheck).toEqual({
      protocol: "http",
      port: 80,
      interval: 15,
      timeout: 10,
      retries: 3,
      http: { domain: "tux.example.com", path: "/health", statusCodes: ["2??", "3??"] },
    });
  });
});

describe("infraNodes", () => {
  const stack = parseStack(
    withStack({
      servers: {
        web: { count: 2, networks: { main: { ips: ["10.0.1.10", "10.0.1.11"] } }, placementGroup: "spread" },
      },
      networks: { main: { ipRange: "10.0.0.0/16", subnets: { app: { ipRange: "10.0.1.0/24" } } } },
      placementGroups: { spread: {} },
      firewalls: { web: { applyTo: ["web"], rules: [{ port: 443 }, { port: 22, sources: ["cloudflare"] }] } },
    }),
  );
  const graph = infraNodes(stack, serverInstances(stack), ["173.245.48.0/20"]);

  it("applies firewalls to the group's label selector, with any and cloudflare expanded", () => {
    const fw = graph.nodes.find((n) => n.address === "hetzner.firewall.web")!.input as FirewallInput;
    expect(fw.applyTo).toEqual([{ labelSelector: groupSelector(stack.name, "web") }]);
    expect(fw.rules.map((r) => [r.port, r.sourceIps])).toEqual([
      ["443", ["0.0.0.0/0", "::/0"]],
      ["22", ["173.245.48.0/20"]],
    ]);
  });

  it("gives each server its fixed address and the network and placement group ids once they exist", () => {
    const [, second] = serverInstances(stack);
    const { input, dependsOn } = graph.server(second!);
    const outputs: Record<string, unknown> = {
      "hetzner.network.main": { id: 7 },
      "hetzner.placementGroup.spread": { id: 9 },
    };
    const resolved = resolveRefs(input, (a) => outputs[a]) as Pick<
      ServerInput,
      "networks" | "placementGroup"
    >;
    expect(resolved).toEqual({ networks: [{ network: 7, ip: "10.0.1.11" }], placementGroup: 9 });
    expect(dependsOn).toEqual([
      "hetzner.network.main",
      "hetzner.placementGroup.spread",
      "hetzner.firewall.web",
    ]);
  });

  it("refuses encryption: false on a bucket, naming the field", () => {
    const plain = parseStack(withStack({ buckets: { logs: { encryption: false } } }));
    expect(() => infraNodes(plain, [])).toThrow("buckets.logs.encryption: false cannot be honoured");
  });
});
