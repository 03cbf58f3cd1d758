// The stack's dns section as Cloudflare record nodes.
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import { isRef, resolveRefs } from "../../../src/engine/refs.ts";
import { dnsNodes, serverIpv6 } from "../../../src/stack/dns-nodes.ts";
import { serverInstances } from "../../../src/stack/resources.ts";
import { withStack } from "../config/helpers.ts";

function stackWith(patch: Record<string, unknown>) {
  return parseStack(withStack(patch));
}

describe("dnsNodes", () => {
  it("makes one record per server of a group, each taking the server's address", () => {
    const stack = stackWith({
      servers: { web: { count: 2 } },
      dns: {
        zone: "shop.example",
        records: [
          { name: "@", server: "web" },
          { name: "www", value: "127.0.2.9" },
        ],
      },
    });
    const nodes = dnsNodes(stack, serverInstances(stack));
    expect(nodes.map((n) => [n.address, n.dependsOn])).toEqual([
      ["cloudflare.dnsRecord.@.a.web-1", ["hetzner.server.web-1"]],
      ["cloudflare.dnsRecord.@.a.web-2", ["hetzner.server.web-2"]],
      ["cloudflare.dnsRecord.www.a", []],
    ]);
    const first = nodes[0]!.input as { content: unknown; name: string; comment: string; ttl: number };
    expect(isRef(first.content)).toBe(true);
    expect(first).toMatchObject({ name: "shop.example", ttl: 1, comment: "slipway:shop/@.a.web-1" });
    const resolved = resolveRefs(first, () => ({ ipv4: "127.0.1.4", ipv6: null }));
    expect(resolved.content).toBe("127.0.1.4");
    expect(nodes[2]!.input).toMatchObject({ name: "www.shop.example", content: "127.0.2.9" });
  });

  it("keeps a fixed TTL only on records Cloudflare does not proxy", () => {
    const stack = stackWith({
      dns: {
        zone: "shop.example",
        records: [
          { name: "a", value: "127.0.2.1", ttl: 300 },
          { name: "b", value: "127.0.2.2", ttl: 300, proxied: true },
        ],
      },
    });
    expect(dnsNodes(stack, serverInstances(stack)).map((n) => (n.input as { ttl: number }).ttl)).toEqual([
      300, 1,
    ]);
  });

  it("reads a server's IPv6 host address from its /64", () => {
    expect(serverIpv6("2a01:4f8:c17:b8f::/64")).toBe("2a01:4f8:c17:b8f::1");
    expect(serverIpv6(null)).toBeUndefined();
  });

  it("makes nothing for a stack without dns", () => {
    const stack = stackWith({});
    expect(dnsNodes(stack, serverInstances(stack))).toEqual([]);
  });
});
