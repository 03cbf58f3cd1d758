// IPv4 and CIDR arithmetic: conversions, ranges, overlap and containment, and what is not an address.
import { describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, intToIpv4, ipv4ToInt, parseCidr } from "../../../src/util/cidr.ts";

describe("ipv4ToInt and intToIpv4", () => {
  it.each([
    ["0.0.0.0", 0],
    ["10.0.0.1", 0x0a000001],
    ["127.0.1.2", 0x7f000102],
    ["255.255.255.255", 0xffffffff],
  ])("converts %s to %i and back", (address, value) => {
    expect(ipv4ToInt(address)).toBe(value);
    expect(intToIpv4(value)).toBe(address);
  });

  it.each(["10.0.0", "10.0.0.256", "10.0.0.-1", "a.b.c.d", "10.0.0.1.2", "", "1.2.3.4.5"])(
    "rejects %j",
    (address) => {
      expect(() => ipv4ToInt(address)).toThrow(`${address} is not an IPv4 address`);
    },
  );
});

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0", "10.255.255.255"],
    ["10.1.2.3/24", "10.1.2.0", "10.1.2.255"],
    ["192.168.1.7/32", "192.168.1.7", "192.168.1.7"],
    ["192.168.1.7", "192.168.1.7", "192.168.1.7"],
    ["0.0.0.0/0", "0.0.0.0", "255.255.255.255"],
    ["172.16.5.4/31", "172.16.5.4", "172.16.5.5"],
  ])("%s spans %s to %s", (cidr, first, last) => {
    const range = parseCidr(cidr);
    expect([intToIpv4(range.first), intToIpv4(range.last)]).toEqual([first, last]);
  });

  it.each(["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "/8", "10.0.0.0/8.5"])("rejects %j", (cidr) => {
    expect(() => parseCidr(cidr)).toThrow(`${cidr} is not a CIDR`);
  });
});

describe("cidrsOverlap", () => {
  it.each([
    ["10.0.0.0/8", "10.1.0.0/16", true],
    ["10.1.0.0/16", "10.0.0.0/8", true],
    ["10.0.0.0/24", "10.0.1.0/24", false],
    ["10.0.0.0/23", "10.0.1.0/24", true],
    ["0.0.0.0/0", "203.0.113.7/32", true],
    ["192.168.0.255/32", "192.168.1.0/24", false],
  ])("%s and %s overlap: %s", (a, b, overlap) => {
    expect(cidrsOverlap(a, b)).toBe(overlap);
  });
});

describe("cidrContains", () => {
  it.each([
    ["127.0.0.0/16", "127.0.255.255", true],
    ["127.0.0.0/16", "127.1.0.0", false],
    ["10.0.0.0/8", "9.255.255.255", false],
    ["203.0.113.7/32", "203.0.113.7", true],
  ])("%s contains %s: %s", (cidr, address, contained) => {
    expect(cidrContains(cidr, address)).toBe(contained);
  });
});
