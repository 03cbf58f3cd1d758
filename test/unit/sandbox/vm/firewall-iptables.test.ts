import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { ServerNetworking } from "../../../../src/sandbox/hetzner/network-realization.ts";
import {
  firewallChains,
  hookRule,
  hostCidrs,
  restoreScript,
  savedChains,
} from "../../../../src/sandbox/vm/firewall-iptables.ts";

const web: ServerNetworking = {
  id: 7,
  publicIpv4: "127.0.1.5",
  networks: [],
  firewall: {
    inbound: [
      { protocol: "tcp", port: "22", cidrs: ["0.0.0.0/0"] },
      { protocol: "tcp", port: "8000-8100", cidrs: ["127.0.1.9/32", "203.0.113.0/24"] },
      { protocol: "icmp", port: null, cidrs: ["10.0.0.0/8"] },
    ],
    outbound: null,
  },
};

describe("firewallChains", () => {
  it("dispatches new connections to a firewalled server's public address to its inbound chain", () => {
    const chains = firewallChains([web, { id: 8, publicIpv4: "127.0.1.6", networks: [], firewall: null }]);
    expect([...chains.keys()]).toEqual(["SBX-FW", "SBX-FWI-7"]);
    expect(chains.get("SBX-FW")).toEqual([
      ["-d", "172.29.1.5/32", "-m", "conntrack", "--ctstate", "NEW", "-j", "SBX-FWI-7"],
    ]);
    expect(chains.get("SBX-FWI-7")).toEqual([
      ["-s", "0.0.0.0/0", "-p", "tcp", "--dport", "22", "-j", "RETURN"],
      ["-s", "127.0.1.9/32", "-p", "tcp", "--dport", "8000:8100", "-j", "RETURN"],
      ["-s", "172.29.1.9/32", "-p", "tcp", "--dport", "8000:8100", "-j", "RETURN"],
      ["-s", "203.0.113.0/24", "-p", "tcp", "--dport", "8000:8100", "-j", "RETURN"],
      ["-s", "10.0.0.0/8", "-p", "icmp", "-j", "RETURN"],
      ["-j", "DROP"],
    ]);
  });

  it("drops every new inbound connection when the firewalls have no in rule", () => {
    const chains = firewallChains([{ ...web, firewall: { inbound: [], outbound: null } }]);
    expect(chains.get("SBX-FWI-7")).toEqual([["-j", "DROP"]]);
  });

  it("adds an outbound chain only when some firewall has an out rule", () => {
    const chains = firewallChains([
      {
        ...web,
        firewall: { inbound: [], outbound: [{ protocol: "udp", port: "53", cidrs: ["0.0.0.0/0"] }] },
      },
    ]);
    expect(chains.get("SBX-FW")?.[1]).toEqual([
      "-s",
      "172.29.1.5/32",
      "-m",
      "conntrack",
      "--ctstate",
      "NEW",
      "-j",
      "SBX-FWO-7",
    ]);
    expect(chains.get("SBX-FWO-7")).toEqual([
      ["-d", "0.0.0.0/0", "-p", "udp", "--dport", "53", "-j", "RETURN"],
      ["-j", "DROP"],
    ]);
  });

  it("skips a server without a public IPv4: there is no public interface to filter", () => {
    expect([...firewallChains([{ ...web, publicIpv4: null }]).keys()]).toEqual(["SBX-FW"]);
  });
});

describe("hostCidrs", () => {
  it.each([
    ["127.0.1.9/32", ["127.0.1.9/32", "172.29.1.9/32"]],
    ["127.0.3.0/24", ["127.0.3.0/24", "172.29.3.0/24"]],
    ["127.0.0.1/32", ["127.0.0.1/32"]],
    ["0.0.0.0/0", ["0.0.0.0/0"]],
  ])("maps %s to %j", (cidr, expected) => {
    expect(hostCidrs(cidr)).toEqual(expected);
  });
});

describe("restoreScript", () => {
  it("declares (so flushes) every wanted chain and deletes our stale ones only", () => {
    const script = restoreScript(firewallChains([{ ...web, firewall: { inbound: [], outbound: null } }]), [
      "INPUT",
      "DOCKER-USER",
      "SBX-FW",
      "SBX-FWI-3",
      "SBX-FWO-3",
      "SBX-FWI-7",
    ]);
    expect(script).toBe(
      [
        "*filter",
        ":SBX-FW - [0:0]",
        ":SBX-FWI-7 - [0:0]",
        ":SBX-FWI-3 - [0:0]",
        ":SBX-FWO-3 - [0:0]",
        "-A SBX-FW -d 172.29.1.5/32 -m conntrack --ctstate NEW -j SBX-FWI-7",
        "-A SBX-FWI-7 -j DROP",
        "-X SBX-FWI-3",
        "-X SBX-FWO-3",
        "COMMIT",
        "",
      ].join("\n"),
    );
  });

  it("is accepted by iptables-restore --test", () => {
    const script = restoreScript(firewallChains([web]), []);
    expect(() => execFileSync("iptables-restore", ["--test", "--noflush"], { input: script })).not.toThrow();
  });
});

describe("savedChains and hookRule", () => {
  it("reads chain names from iptables-save output", () => {
    const save = "# Generated\n*filter\n:INPUT ACCEPT [0:0]\n:SBX-FW - [0:0]\n-A INPUT -j SBX-FW\nCOMMIT\n";
    expect(savedChains(save)).toEqual(["INPUT", "SBX-FW"]);
  });

  it("marks the hook with a comment so purge finds it", () => {
    expect(hookRule()).toEqual(["-m", "comment", "--comment", "slipway-sandbox-firewall", "-j", "SBX-FW"]);
  });
});
