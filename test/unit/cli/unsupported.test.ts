// What plan and up still warn about: the infrastructure sections are applied, https balancer services
// and volume mount paths are not yet.
import { describe, expect, it } from "vitest";
import { unsupportedParts } from "../../../src/cli/unsupported.ts";
import { parseStack } from "../../../src/config/index.ts";
import { withStack } from "../config/helpers.ts";

describe("unsupportedParts", () => {
  it("no longer names networks, firewalls, placement groups, balancers, buckets or DNS", () => {
    const stack = parseStack(
      withStack({
        networks: { main: { ipRange: "10.0.0.0/16" } },
        firewalls: { web: { applyTo: ["web"], rules: [{ port: 443 }] } },
        placementGroups: { spread: {} },
        loadBalancers: { main: { targets: ["web"] } },
        buckets: { backups: {} },
        dns: { zone: "example.com", records: [{ name: "@", loadBalancer: "main" }] },
      }),
    );
    expect(unsupportedParts(stack)).toEqual([]);
  });

  it("names https balancer services and volume mount paths", () => {
    const stack = parseStack(
      withStack({
        loadBalancers: {
          main: {
            targets: ["web"],
            services: [{ listen: 443, protocol: "https", http: { certificates: ["a.example.com"] } }],
          },
        },
        volumes: { data: { size: 10, servers: ["web"] } },
      }),
    );
    expect(unsupportedParts(stack)).toEqual(["loadBalancers.main https services", "volumes.data.mountPath"]);
  });
});
