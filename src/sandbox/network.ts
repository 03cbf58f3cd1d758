/**
 * The sandbox's network on the host: one Docker bridge network for every sandbox container, and the NAT
 * rules that make each loopback public address (127.0.X.Y) reach its container (172.29.X.Y) on every
 * port, as a real public IP would. Rules carry a comment so `sandbox down --purge` removes exactly them.
 */
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { UserError } from "../errors.ts";
import { cidrsOverlap } from "../util/cidr.ts";
import { exec, run } from "../util/exec.ts";
import { docker, inspectFormat } from "./docker.ts";
import {
  PUBLIC_RANGES,
  SANDBOX_GATEWAY,
  SANDBOX_LABEL,
  SANDBOX_NETWORK,
  SANDBOX_SUBNET,
  type SandboxFiles,
} from "./layout.ts";

const RULE_COMMENT = "slipway-sandbox";
const ROUTE_LOCALNET = "net.ipv4.conf.all.route_localnet";

/** Maps each public loopback range onto the same X.Y inside the sandbox subnet: "127.0.1.0/24=172.29.1.0/24". */
export function netmapSpecs(): string[] {
  return Object.values(PUBLIC_RANGES).map((range) => `${range}=${range.replace(/^127\.0\./, "172.29.")}`);
}

/** The host NAT rules, as iptables argument lists after "-t nat -{A,C,D}". */
export function hostNatRules(): { chain: string; rule: string[] }[] {
  const comment = ["-m", "comment", "--comment", RULE_COMMENT];
  return [
    ...netmapSpecs().map((spec) => {
      const [from, to] = spec.split("=") as [string, string];
      return { chain: "OUTPUT", rule: ["-d", from, ...comment, "-j", "NETMAP", "--to", to] };
    }),
    {
      chain: "POSTROUTING",
      rule: ["-s", "127.0.0.0/8", "-d", SANDBOX_SUBNET, ...comment, "-j", "MASQUERADE"],
    },
  ];
}

export async function ensureNetwork(files: SandboxFiles): Promise<void> {
  const existing = await inspectFormat(SANDBOX_NETWORK, "{{range .IPAM.Config}}{{.Subnet}}{{end}}");
  if (existing !== null && existing !== SANDBOX_SUBNET) {
    throw new UserError(
      `Docker network ${SANDBOX_NETWORK} exists with subnet ${existing}, expected ${SANDBOX_SUBNET}`,
      { hint: `Remove it with: docker network rm ${SANDBOX_NETWORK}` },
    );
  }
  if (existing === null) {
    await refuseOverlappingRoutes(SANDBOX_SUBNET);
    await docker([
      "network",
      "create",
      "--driver",
      "bridge",
      "--subnet",
      SANDBOX_SUBNET,
      "--gateway",
      SANDBOX_GATEWAY,
      "--label",
      `${SANDBOX_LABEL}=1`,
      SANDBOX_NETWORK,
    ]);
  }
  if (!existsSync(files.savedSysctl)) {
    // Remember the host's own value so purge can put it back.
    await writeFile(files.savedSysctl, (await run(["sysctl", "-n", ROUTE_LOCALNET])).trim());
  }
  await run(["sysctl", "-q", "-w", `${ROUTE_LOCALNET}=1`]);
  for (const { chain, rule } of hostNatRules()) {
    const present = await exec(["iptables", "-t", "nat", "-C", chain, ...rule]);
    if (present.code !== 0) await run(["iptables", "-t", "nat", "-A", chain, ...rule]);
  }
}

/** Docker adds a host route per network: a range that overlaps the host's own would cut it off. */
export async function refuseOverlappingRoutes(cidr: string): Promise<void> {
  const routes = await run(["ip", "-4", "route", "show"]);
  for (const line of routes.split("\n")) {
    const destination = line.split(" ")[0];
    if (!destination || destination === "default" || !/^\d/.test(destination)) continue;
    if (cidrsOverlap(destination, cidr)) {
      throw new UserError(`${cidr} overlaps the host route "${line.trim()}"`, {
        hint: "Pick another range; Docker would add a route for it and cut the host off that network.",
      });
    }
  }
}

export async function removeHostRules(files: SandboxFiles): Promise<void> {
  for (const { chain, rule } of hostNatRules()) {
    while ((await exec(["iptables", "-t", "nat", "-C", chain, ...rule])).code === 0) {
      await run(["iptables", "-t", "nat", "-D", chain, ...rule]);
    }
  }
  if (existsSync(files.savedSysctl)) {
    const original = (await readFile(files.savedSysctl, "utf8")).trim();
    await run(["sysctl", "-q", "-w", `${ROUTE_LOCALNET}=${original}`]);
    await rm(files.savedSysctl);
  }
}

export async function removeNetwork(): Promise<void> {
  if ((await inspectFormat(SANDBOX_NETWORK, "{{.Id}}")) !== null)
    await docker(["network", "rm", SANDBOX_NETWORK]);
}
