/**
 * Host configuration: the steps every server goes through, in order, one chain per server group
 * (its servers are identical): cloud-init with the deploy user and a pinned host key, SSH and
 * firewall hardening, the Docker engine, Caddy where services have domains, then the releases and
 * data services that run there.
 */
import type { StackFacts } from "../../facts.ts";
import { serversOf, webGroups } from "../../facts.ts";
import { type Diagram, DiagramBuilder } from "../graph.ts";
import { serviceLabel } from "./common.ts";

export function hosts(facts: StackFacts): Diagram {
  const { stack } = facts;
  const d = new DiagramBuilder(`${stack.name}: host configuration`, "LR");
  const web = webGroups(stack);
  const { ufw, fail2ban, upgrades } = stack.hosts;
  for (const [group, spec] of Object.entries(stack.servers)) {
    const servers = serversOf(facts, group);
    d.group(group, `${group}: ${servers.map((s) => s.cloudName).join(", ")}`);
    const steps: [string, string[]][] = [
      ["create", [`create ${spec.type} · ${spec.image}`, spec.location]],
      ["cloud-init", ["cloud-init", `user ${stack.ssh.user} (sudo, keys only)`, "pinned SSH host key"]],
      ["sshd", ["sshd: no root, no passwords", `port ${stack.ssh.port}`]],
      [
        "ufw",
        ufw.enabled ? ["UFW deny incoming", `allow ${ufw.allow.map((r) => r.port).join(", ")}`] : ["UFW off"],
      ],
      ["fail2ban", fail2ban.enabled ? [`fail2ban: ${fail2ban.maxRetry} tries`] : ["fail2ban off"]],
      [
        "upgrades",
        upgrades.enabled
          ? [`unattended upgrades${upgrades.reboot ? `, reboot ${upgrades.rebootTime}` : ""}`]
          : ["no automatic upgrades"],
      ],
      ["docker", ["Docker engine", `logs ${stack.logs.maxSize}M × ${stack.logs.maxFiles}`]],
    ];
    if (web.has(group)) steps.push(["caddy", ["Caddy proxy", "automatic HTTPS"]]);
    const services = servers[0]?.services ?? [];
    if (services.length > 0)
      steps.push(["releases", ["releases:", ...services.map((s) => serviceLabel(facts, s))]]);
    const accessories = servers[0]?.accessories ?? [];
    if (accessories.length > 0)
      steps.push(["data", ["data services:", ...accessories.map((a) => `${a.name} (${a.role})`)]]);
    let previous: string | undefined;
    for (const [step, lines] of steps) {
      const key = `${group}:${step}`;
      d.node(key, lines, { group, shape: step === "create" ? "stadium" : "box" });
      if (previous) d.edge(previous, key);
      previous = key;
    }
  }
  return d.build();
}
