// The host resources a stack asks for on each server, and the stacks that would lock slipway out.
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import { hostNodes, usesCloudflareRanges } from "../../../src/hosts/host-nodes.ts";
import { withStack } from "../config/helpers.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx8Pf1ZzV3L0r4I9YwqXg0Jm0oKcFq1QmTn0vXb1Uh2 slipway";

function nodesFor(patch: Record<string, unknown>, cloudflareRanges?: string[]) {
  const stack = parseStack(withStack(patch));
  const group = Object.keys(stack.servers)[0]!;
  return hostNodes({
    stack,
    group,
    name: group,
    server: `hetzner.server.${group}`,
    publicKey: KEY,
    cloudflareRanges,
  });
}

describe("hostNodes", () => {
  it("hardens every server by default, sshd after the user and UFW after Docker", () => {
    const nodes = nodesFor({});
    const group = nodes[0]!.name;
    const server = `hetzner.server.${group}`;
    expect(nodes.map((n) => [n.address, n.dependsOn])).toEqual([
      [`host.user.${group}`, [server]],
      [`host.sshd.${group}`, [server, `host.user.${group}`]],
      [`host.docker.${group}`, [server]],
      [`host.timezone.${group}`, [server]],
      [`host.ufw.${group}`, [server, `host.docker.${group}`]],
      [`host.fail2ban.${group}`, [server]],
      [`host.upgrades.${group}`, [server]],
    ]);
    expect(nodes.every((n) => n.hostedOn === server)).toBe(true);
    expect(nodes.find((n) => n.kind.kind === "host.ufw")!.input).toMatchObject({
      rules: [
        { port: "22", protocol: "tcp", from: ["any"] },
        { port: "80", protocol: "tcp", from: ["any"] },
        { port: "443", protocol: "tcp", from: ["any"] },
      ],
      privateNetworks: [],
    });
  });

  it("adds packages, sysctl and swap only when configured, and leaves out what is switched off", () => {
    const nodes = nodesFor({
      hosts: {
        ufw: { enabled: false },
        fail2ban: { enabled: false },
        upgrades: { enabled: false },
        packages: ["htop"],
        sysctl: { "vm.swappiness": 10 },
        swap: "2G",
      },
    });
    expect(nodes.map((n) => n.kind.kind)).toEqual([
      "host.user",
      "host.sshd",
      "host.docker",
      "host.timezone",
      "host.packages",
      "host.sysctl",
      "host.swap",
    ]);
    expect(nodes.at(-1)!.input).toMatchObject({ sizeMiB: 2048 });
    expect(nodes.at(-2)!.input).toMatchObject({ values: { "vm.swappiness": "10" } });
  });

  it("expands Cloudflare's ranges into the rule that asks for them", () => {
    const patch = { hosts: { ufw: { allow: [{ port: 22 }, { port: 443, from: ["cloudflare"] }] } } };
    expect(usesCloudflareRanges(parseStack(withStack(patch)))).toBe(true);
    const ufw = nodesFor(patch, ["173.245.48.0/20"]).find((n) => n.kind.kind === "host.ufw")!;
    expect((ufw.input as { rules: unknown[] }).rules[1]).toEqual({
      port: "443",
      protocol: "tcp",
      from: ["173.245.48.0/20"],
    });
    expect(() => nodesFor(patch)).toThrow("hosts.ufw.allow[1].from: Cloudflare's ranges are not known");
  });

  it("turns live-restore off on servers that run Swarm services", () => {
    const stack = parseStack(withStack({}));
    const group = Object.keys(stack.servers)[0]!;
    const swarmStack = parseStack(
      withStack({ services: { api: { image: "nginx:1", servers: [group], runtime: "swarm", port: 80 } } }),
    );
    const docker = (s: typeof stack) =>
      hostNodes({ stack: s, group, name: group, server: "s", publicKey: KEY }).find(
        (n) => n.kind.kind === "host.docker",
      )!.input as { daemon: { liveRestore: boolean } };
    expect(docker(stack).daemon.liveRestore).toBe(true);
    expect(docker(swarmStack).daemon.liveRestore).toBe(false);
  });
});
