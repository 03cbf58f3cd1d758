/** Address arithmetic, network range rules and cron schedules, as tables. */
import { describe, expect, it } from "vitest";
import { cronProblem } from "../../../src/config/cron.ts";
import {
  cidr4Range,
  ipv4ToNumber,
  isCanonicalCidr4,
  numberToIpv4,
  overlaps,
} from "../../../src/config/net.ts";
import { issuesOf, withStack } from "./helpers.ts";

describe("IPv4 arithmetic", () => {
  it.each([
    ["0.0.0.0", 0],
    ["10.0.1.10", 167772426],
    ["255.255.255.255", 4294967295],
  ])("%s is %i", (ip, value) => {
    expect(ipv4ToNumber(ip)).toBe(value);
    expect(numberToIpv4(value)).toBe(ip);
  });

  it.each(["10.0.1", "10.0.1.256", "10.0.01.1", "a.b.c.d", "10.0.1.1.1"])("refuses %j", (ip) => {
    expect(ipv4ToNumber(ip)).toBeUndefined();
  });

  it.each([
    ["10.0.0.0/16", { first: 167772160, last: 167837695 }],
    ["10.0.1.5/32", { first: 167772421, last: 167772421 }],
    ["0.0.0.0/0", { first: 0, last: 4294967295 }],
  ])("%s spans %j", (cidr, range) => {
    expect(cidr4Range(cidr)).toEqual(range);
  });

  it.each([
    ["10.0.0.0/16", true],
    ["10.0.1.0/16", false],
    ["10.0.0.0/33", false],
    ["10.0.0.0", false],
  ])("%s is canonical: %s", (cidr, canonical) => {
    expect(isCanonicalCidr4(cidr)).toBe(canonical);
  });

  it.each([
    ["10.0.1.0/24", "10.0.1.128/25", true],
    ["10.0.1.0/24", "10.0.2.0/24", false],
    ["10.0.0.0/8", "10.200.0.0/16", true],
  ])("%s and %s overlap: %s", (a, b, expected) => {
    expect(overlaps(cidr4Range(a)!, cidr4Range(b)!)).toBe(expected);
  });
});

describe("network ranges", () => {
  const withNetwork = (network: Record<string, unknown>) => withStack({ networks: { main: network } });

  it.each([
    [
      "a public range",
      { ipRange: "8.8.0.0/16" },
      "networks.main.ipRange",
      "expected a private (RFC 1918) range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/24",
    ],
    [
      "host bits",
      { ipRange: "10.0.0.1/16" },
      "networks.main.ipRange",
      'host bits are set; did you mean "10.0.0.0/16"?',
    ],
    [
      "a range smaller than /24",
      { ipRange: "10.0.0.0/28" },
      "networks.main.ipRange",
      'Hetzner networks are at least a /24; use a range such as "10.0.0.0/24"',
    ],
    [
      "a subnet outside the range",
      { ipRange: "10.0.0.0/16", subnets: { a: { ipRange: "10.1.0.0/24" } } },
      "networks.main.subnets.a.ipRange",
      "10.1.0.0/24 is outside the network range 10.0.0.0/16",
    ],
    [
      "overlapping subnets",
      { ipRange: "10.0.0.0/16", subnets: { a: { ipRange: "10.0.1.0/24" }, b: { ipRange: "10.0.1.128/25" } } },
      "networks.main.subnets.b.ipRange",
      'overlaps subnet "a" (10.0.1.0/24)',
    ],
    [
      "a subnet smaller than /30",
      { ipRange: "10.0.0.0/16", subnets: { a: { ipRange: "10.0.1.0/31" } } },
      "networks.main.subnets.a.ipRange",
      "subnets are at least a /30",
    ],
    [
      "a route gateway outside the range",
      { ipRange: "10.0.0.0/16", routes: [{ destination: "0.0.0.0/0", gateway: "192.168.0.1" }] },
      "networks.main.routes[0].gateway",
      "192.168.0.1 is outside the network range 10.0.0.0/16",
    ],
    [
      "a route covering a subnet",
      {
        ipRange: "10.0.0.0/16",
        subnets: { a: { ipRange: "10.0.1.0/24" } },
        routes: [{ destination: "10.0.0.0/20", gateway: "10.0.1.2" }],
      },
      "networks.main.routes[0].destination",
      'overlaps subnet "a"; routes may not cover a subnet',
    ],
  ] as [string, Record<string, unknown>, string, string][])("rejects %s", (_, network, path, message) => {
    expect(issuesOf(withNetwork(network))).toEqual([{ path, message }]);
  });

  it("accepts a default route through a NAT host", () => {
    const network = { ipRange: "10.0.0.0/16", routes: [{ destination: "0.0.0.0/0", gateway: "10.0.1.2" }] };
    expect(issuesOf(withNetwork(network))).toEqual([]);
  });
});

describe("cron schedules", () => {
  it.each([
    "0 3 * * *",
    "*/15 * * * *",
    "0 0-6/2 * * mon-fri",
    "30 4 1,15 jan,jul 0",
    "0 0 * * 7",
    "@daily",
    "@hourly",
  ])("accepts %j", (schedule) => {
    expect(cronProblem(schedule)).toBeUndefined();
  });

  it.each([
    ["0 3 * *", "has 4 fields, cron takes 5 (minute hour day month weekday)"],
    ["0 0 3 * * *", "has 6 fields, cron takes 5 (minute hour day month weekday)"],
    ["60 * * * *", 'minute: "60" is not a valid minute (0-59)'],
    ["0 24 * * *", 'hour: "24" is not a valid hour (0-23)'],
    ["0 0 0 * *", 'day of month: "0" is not a valid day of month (1-31)'],
    ["0 0 * 13 *", 'month: "13" is not a valid month (1-12)'],
    ["0 0 * * 8", 'day of week: "8" is not a valid day of week (0-7)'],
    ["*/0 * * * *", 'minute: step "0" must be a whole number above 0'],
    ["0 5-1 * * *", 'hour: range "5-1" runs backwards'],
    ["0 3 * * funday", 'day of week: "funday" is not a valid day of week (0-7)'],
    ["@sometimes", 'unknown macro "@sometimes"'],
  ])("rejects %j: %s", (schedule, problem) => {
    expect(cronProblem(schedule)).toBe(problem);
  });
});
