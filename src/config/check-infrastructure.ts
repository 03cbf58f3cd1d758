/**
 * Cross references among the infrastructure sections: servers, networks, placement groups, firewalls,
 * load balancers, volumes, the bastion and the host firewall. Hetzner rejects most of these mistakes too,
 * but only halfway through an apply; here they cost nothing.
 */

import { FIREWALLS_PER_SERVER } from "./firewall.ts";
import { cidr4Range, contains, ipv4ToNumber, numberToIpv4 } from "./net.ts";
import { gatewayAddress } from "./network.ts";
import { zoneOf } from "./primitives.ts";
import type { Findings } from "./references.ts";
import { PLACEMENT_GROUP_LIMIT } from "./server.ts";
import type { Stack } from "./stack.ts";

type Body = Omit<Stack, "environments">;

export function checkInfrastructure(stack: Body, findings: Findings): void {
  checkServers(stack, findings);
  checkFirewalls(stack, findings);
  checkLoadBalancers(stack, findings);
  checkVolumes(stack, findings);
  checkAccess(stack, findings);
}

function checkServers(stack: Body, findings: Findings): void {
  const taken = new Map<string, string>(); // "network/ip" → who has it
  const perPlacementGroup = new Map<string, number>();
  for (const [group, server] of Object.entries(stack.servers)) {
    const at = ["servers", group];
    const longest = `${stack.name}-${group}-${server.count}`;
    if (longest.length > 63) {
      findings.fail(
        at,
        `server names such as "${longest}" would exceed 63 characters; shorten the group or stack name`,
      );
    }
    if (server.placementGroup !== undefined) {
      const known = findings.ref(
        [...at, "placementGroup"],
        "placement group",
        server.placementGroup,
        stack.placementGroups,
        "placementGroups",
      );
      if (known)
        perPlacementGroup.set(
          server.placementGroup,
          (perPlacementGroup.get(server.placementGroup) ?? 0) + server.count,
        );
    }
    for (const [name, attachment] of Object.entries(server.networks)) {
      const path = [...at, "networks", name];
      const network = stack.networks[name];
      if (!findings.ref(path, "network", name, stack.networks, "networks")) continue;
      if (network!.zone !== zoneOf(server.location)) {
        findings.fail(
          path,
          `network "${name}" is in ${network!.zone} but the servers are in ${server.location} (${zoneOf(server.location)})`,
        );
      }
      if (
        attachment.subnet !== undefined &&
        !findings.ref(
          [...path, "subnet"],
          "subnet",
          attachment.subnet,
          network!.subnets,
          `networks.${name}.subnets`,
        )
      )
        continue;
      if (attachment.ips === undefined) continue;
      if (attachment.ips.length !== server.count) {
        findings.fail(
          [...path, "ips"],
          `lists ${plural(attachment.ips.length, "address", "addresses")} for ${plural(server.count, "server", "servers")}; give one per server`,
        );
      }
      const subnetRange = cidr4Range(network!.subnets[attachment.subnet!]!.ipRange)!;
      attachment.ips.forEach((ip, i) => {
        const value = ipv4ToNumber(ip)!;
        const ipPath = [...path, "ips", i];
        if (!contains(subnetRange, { first: value, last: value })) {
          findings.fail(
            ipPath,
            `${ip} is outside subnet "${attachment.subnet}" (${network!.subnets[attachment.subnet!]!.ipRange})`,
          );
        } else if (
          value === subnetRange.first ||
          value === subnetRange.last ||
          value === gatewayAddress(network!)
        ) {
          findings.fail(
            ipPath,
            `${ip} is reserved (network, broadcast or gateway address); use one such as ${numberToIpv4(subnetRange.first + 2)}`,
          );
        }
        const owner = taken.get(`${name}/${ip}`);
        if (owner) findings.fail(ipPath, `${ip} is already given to ${owner}`);
        taken.set(`${name}/${ip}`, `servers.${group}`);
      });
    }
  }
  for (const [name, count] of perPlacementGroup) {
    if (count > PLACEMENT_GROUP_LIMIT) {
      findings.fail(
        ["placementGroups", name],
        `holds ${count} servers; Hetzner allows at most ${PLACEMENT_GROUP_LIMIT} in a spread group`,
      );
    }
  }
}

function checkFirewalls(stack: Body, findings: Findings): void {
  const perGroup = new Map<string, string[]>();
  for (const [name, firewall] of Object.entries(stack.firewalls)) {
    firewall.applyTo.forEach((group, i) => {
      if (findings.ref(["firewalls", name, "applyTo", i], "server group", group, stack.servers, "servers")) {
        perGroup.set(group, [...(perGroup.get(group) ?? []), name]);
      }
    });
  }
  for (const [group, names] of perGroup) {
    if (names.length > FIREWALLS_PER_SERVER) {
      findings.fail(
        ["servers", group],
        `has ${names.length} firewalls; Hetzner allows at most ${FIREWALLS_PER_SERVER} per server`,
      );
    }
  }
}

function checkLoadBalancers(stack: Body, findings: Findings): void {
  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    const at = ["loadBalancers", name];
    const network = lb.network === undefined ? undefined : stack.networks[lb.network];
    if (
      lb.network !== undefined &&
      findings.ref([...at, "network"], "network", lb.network, stack.networks, "networks")
    ) {
      if (network!.zone !== zoneOf(lb.location)) {
        findings.fail(
          [...at, "network"],
          `network "${lb.network}" is in ${network!.zone} but the balancer is in ${lb.location}`,
        );
      }
      if (lb.ip !== undefined) {
        const ip = ipv4ToNumber(lb.ip)!;
        const inSubnet = Object.values(network!.subnets).some((s) =>
          contains(cidr4Range(s.ipRange)!, { first: ip, last: ip }),
        );
        if (!inSubnet) findings.fail([...at, "ip"], `${lb.ip} is in no subnet of network "${lb.network}"`);
      }
    }
    lb.targets.forEach((group, i) => {
      const path = [...at, "targets", i];
      if (!findings.ref(path, "server group", group, stack.servers, "servers")) return;
      if (lb.network !== undefined && network && !Object.hasOwn(stack.servers[group]!.networks, lb.network)) {
        findings.fail(
          path,
          `server group "${group}" is not in network "${lb.network}"; add networks: ["${lb.network}"] to it`,
        );
      }
    });
  }
}

function checkVolumes(stack: Body, findings: Findings): void {
  for (const [name, volume] of Object.entries(stack.volumes)) {
    volume.servers.forEach((group, i) => {
      findings.ref(["volumes", name, "servers", i], "server group", group, stack.servers, "servers");
    });
  }
}

function checkAccess(stack: Body, findings: Findings): void {
  const bastion = stack.ssh.bastion;
  const bastionServer = bastion === undefined ? undefined : stack.servers[bastion];
  if (
    bastion !== undefined &&
    findings.ref(["ssh", "bastion"], "server group", bastion, stack.servers, "servers")
  ) {
    if (bastionServer!.count !== 1)
      findings.fail(
        ["ssh", "bastion"],
        `server group "${bastion}" has ${bastionServer!.count} servers; a bastion is a group of count 1`,
      );
    if (!bastionServer!.ipv4 && !bastionServer!.ipv6)
      findings.fail(
        ["ssh", "bastion"],
        `server group "${bastion}" has no public address; set ipv4: true on it`,
      );
  }
  for (const [group, server] of Object.entries(stack.servers)) {
    if (server.ipv4 || server.ipv6 || group === bastion) continue;
    if (!bastionServer) {
      findings.fail(
        ["servers", group, "ipv4"],
        'servers without a public address are reached through a bastion; set ssh.bastion, e.g. bastion: "bastion"',
      );
    } else if (
      !Object.keys(server.networks).some((network) => Object.hasOwn(bastionServer.networks, network))
    ) {
      findings.fail(
        ["servers", group, "networks"],
        `shares no network with the bastion "${bastion}", which must reach it`,
      );
    }
  }
  const { ufw } = stack.hosts;
  const sshPort = stack.ssh.port;
  const allowsSsh = ufw.allow.some((rule) => {
    const [from, to = from] = rule.port.split("-").map(Number);
    return rule.protocol === "tcp" && sshPort >= from! && sshPort <= to!;
  });
  if (ufw.enabled && !allowsSsh) {
    findings.fail(
      ["hosts", "ufw", "allow"],
      `does not allow the SSH port ${sshPort}, so slipway would lock itself out; add { port: ${sshPort} }`,
    );
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
