/**
 * Network: what is reachable from where. Private networks and their subnets as nested boxes with each
 * server's private address; servers outside any network stand alone. Cloud firewalls are drawn with
 * their rules and the servers they guard; a bastion reaches every other server over SSH. Hetzner
 * subnets are all private: "public" only ever means "has a public address".
 */
import { cidr4Range, ipv4ToNumber } from "../../../config/net.ts";
import type { StackFacts } from "../../facts.ts";
import { serversOf } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";
import { serverLines } from "./common.ts";
import { trafficSources } from "./overview.ts";

function subnetOf(facts: StackFacts, network: string, ip: string): string | undefined {
  const subnets = facts.stack.networks[network]?.subnets ?? {};
  const n = ipv4ToNumber(ip);
  if (n === undefined) return undefined;
  return Object.entries(subnets).find(([, s]) => {
    const range = cidr4Range(s.ipRange);
    return range !== undefined && n >= range.first && n <= range.last;
  })?.[0];
}

export function ruleText(rule: {
  protocol: string;
  port?: string;
  sources: string[];
  destinations: string[];
  direction: string;
}): string {
  const what = rule.port ? `${rule.protocol} ${rule.port}` : rule.protocol;
  const peers = rule.direction === "in" ? rule.sources : rule.destinations;
  return `${rule.direction} ${what} ${rule.direction === "in" ? "from" : "to"} ${peers.join(", ")}`;
}

export function network(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: network`, "TB");
  d.node("internet", ["Internet"], { shape: "stadium" });
  if (stack.dns) {
    const proxied = stack.dns.records.some((r) => r.proxied);
    d.node("cloudflare", [`Cloudflare ${proxied ? "proxy" : "DNS"} (${stack.dns.zone})`], {
      shape: "stadium",
    });
    if (proxied) d.edge("internet", "cloudflare");
    if (stack.dns.records.some((r) => !r.proxied))
      d.edge("internet", "cloudflare", { label: "DNS lookup", dashed: true });
  }
  d.group("hetzner", `Hetzner Cloud · ${stack.location}`);
  for (const [name, net] of Object.entries(stack.networks)) {
    d.group(`net:${name}`, `network ${name} ${net.ipRange} · ${net.zone}`, "hetzner");
    for (const [subnet, s] of Object.entries(net.subnets))
      d.group(`subnet:${name}:${subnet}`, `subnet ${subnet} ${s.ipRange}`, `net:${name}`);
  }
  d.group("public", "public addresses only", "hetzner");
  for (const server of facts.servers) {
    const first = server.networks[0];
    const group = first
      ? first.subnet
        ? `subnet:${first.network}:${first.subnet}`
        : `net:${first.network}`
      : "public";
    const runs =
      server.services.length + server.accessories.length > 0
        ? `runs: ${[...server.services, ...server.accessories.map((a) => a.name)].join(", ")}`
        : "";
    const noPublicIp = !stack.servers[server.group]!.ipv4;
    d.node(`server:${server.name}`, [...serverLines(server), noPublicIp ? "no public IPv4" : "", runs], {
      group,
    });
  }
  for (const [name, lb] of Object.entries(stack.loadBalancers)) {
    const subnet = lb.network && lb.ip ? subnetOf(facts, lb.network, lb.ip) : undefined;
    const group = lb.network ? (subnet ? `subnet:${lb.network}:${subnet}` : `net:${lb.network}`) : "hetzner";
    d.node(
      `lb:${name}`,
      [`Load balancer ${name}`, lb.ip ? `private ${lb.ip}` : "", lb.public ? "public address" : "internal"],
      {
        shape: "hexagon",
        group,
      },
    );
    if (lb.public)
      for (const from of trafficSources(stack, { loadBalancer: name }, "internet"))
        d.edge(from, `lb:${name}`, { label: lb.services.map((s) => s.listen).join(", ") });
    for (const target of lb.targets)
      for (const server of serversOf(facts, target))
        d.edge(`lb:${name}`, `server:${server.name}`, { label: lb.network ? "private" : "public" });
  }
  for (const record of stack.dns?.records ?? []) {
    if (!record.server) continue;
    const from = record.proxied ? "cloudflare" : "internet";
    for (const server of serversOf(facts, record.server))
      d.edge(from, `server:${server.name}`, { label: record.name });
  }
  d.group("firewalls", "Cloud firewalls (public interface only)");
  for (const [name, fw] of Object.entries(stack.firewalls)) {
    const rules = fw.rules.length > 0 ? fw.rules.map(ruleText) : ["drop all inbound"];
    d.node(`fw:${name}`, [`firewall ${name}`, ...rules], { group: "firewalls" });
    for (const group of fw.applyTo)
      for (const server of serversOf(facts, group))
        d.edge(`fw:${name}`, `server:${server.name}`, { dashed: true });
  }
  const bastion = stack.ssh.bastion;
  if (bastion) {
    d.node("operator", ["slipway (operator / CI)"], { shape: "stadium" });
    for (const jump of serversOf(facts, bastion)) {
      d.edge("operator", `server:${jump.name}`, { label: `ssh ${stack.ssh.port}` });
      for (const server of facts.servers.filter((s) => s.group !== bastion))
        d.edge(`server:${jump.name}`, `server:${server.name}`, { label: "ssh", dashed: true });
    }
  } else {
    d.node("operator", ["slipway (operator / CI)"], { shape: "stadium" });
    for (const server of facts.servers)
      d.edge("operator", `server:${server.name}`, { label: `ssh ${stack.ssh.port}`, dashed: true });
  }
  return d.build();
}
