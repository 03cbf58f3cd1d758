import { describe, expect, it } from "vitest";
import {
  addressAvailable,
  canonicalCidr,
  checkNetworkRange,
  firstFreeAddress,
  newSubnet,
  subnetGateway,
} from "../../../src/sandbox/hetzner/network-addressing.ts";
import type { NetworkRecord } from "../../../src/sandbox/hetzner/state.ts";

function network(extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return {
    id: 1,
    name: "n",
    ip_range: "10.0.0.0/16",
    subnets: [{ type: "cloud", ip_range: "10.0.0.0/24", network_zone: "eu-central", vswitch_id: null }],
    routes: [],
    servers: [],
    protection: { delete: false },
    labels: {},
    created: "",
    expose_routes_to_vswitch: false,
    ...extra,
  };
}

describe("canonicalCidr", () => {
  it.each([
    ["10.0.0.0/16", "10.0.0.0/16"],
    ["10.0.0.1/16", null],
    ["10.0.0.0/33", null],
    ["300.0.0.0/8", null],
    ["10.0.0.0", null],
  ])("%s → %s", (input, expected) => {
    expect(canonicalCidr(input)).toBe(expected);
  });
});

describe("checkNetworkRange", () => {
  it.each(["10.0.0.0/8", "172.16.0.0/12", "192.168.4.0/24"])("accepts %s", (range) => {
    expect(checkNetworkRange("ip_range", range)).toBe(range);
  });

  it.each(["172.32.0.0/16", "10.0.0.0/7", "100.64.0.0/16"])("refuses %s outside RFC 1918", (range) => {
    expect(() => checkNetworkRange("ip_range", range)).toThrow("private ranges of RFC 1918");
  });
});

describe("addresses", () => {
  it("puts cloud subnets behind the network's first address and vSwitch subnets behind their own", () => {
    const n = network();
    expect(subnetGateway(n, { type: "cloud", ip_range: "10.0.5.0/24" })).toBe("10.0.0.1");
    expect(subnetGateway(n, { type: "vswitch", ip_range: "10.0.5.0/24" })).toBe("10.0.5.1");
  });

  it("hands out the lowest address that no server, alias or load balancer holds", () => {
    const n = network({
      servers: [{ serverId: 1, ip: "10.0.0.2", aliasIps: ["10.0.0.3"] }],
      loadBalancers: [{ loadBalancerId: 9, ip: "10.0.0.4" }],
    });
    const subnet = n.subnets[0];
    if (!subnet) throw new Error("fixture has a subnet");
    expect(firstFreeAddress(n, subnet)).toBe("10.0.0.5");
    expect(addressAvailable(n, subnet, "10.0.0.4")).toBe(false);
    expect(addressAvailable(n, subnet, "10.0.0.255")).toBe(false);
  });

  it("gives a new subnet the first /24 no subnet or route covers", () => {
    const n = network({ routes: [{ destination: "10.0.1.0/24", gateway: "10.0.0.9" }] });
    expect(newSubnet(n, { type: "cloud", network_zone: "eu-central" }, "")).toEqual({
      type: "cloud",
      ip_range: "10.0.2.0/24",
      network_zone: "eu-central",
      vswitch_id: null,
    });
  });
});
