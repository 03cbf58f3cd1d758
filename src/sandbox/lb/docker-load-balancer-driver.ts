/**
 * Sandbox load balancers as haproxy containers: one per load balancer, on the sandbox network at the
 * container address that mirrors its public IPv4 (127.0.3.x ↔ 172.29.3.x, reached through the host's
 * NETMAP like servers), joined to the Docker networks of the Hetzner networks it is attached to. Its
 * configuration directory on the host (<root>/<id>) is bind-mounted, so the config is written from
 * here and the stats socket read from here, with no `docker exec` per health read.
 * A change is validated (`haproxy -c`) before it replaces the running config, then loaded with a
 * SIGUSR2 to haproxy's master process: new workers take over the listening sockets and old ones finish
 * their connections, so a reconfiguration drops nothing. Apply returns once the new worker answers.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cidrContains } from "../../util/cidr.ts";
import { exec } from "../../util/exec.ts";
import { sleep } from "../../util/wait.ts";
import { docker, inspectFormat } from "../docker.ts";
import type { LoadBalancerDriver, LoadBalancerSpec, TargetHealth } from "../hetzner/load-balancer-driver.ts";
import { IMAGES } from "../images.ts";
import { containerAddress, PUBLIC_RANGES, SANDBOX_LABEL, SANDBOX_NETWORK } from "../layout.ts";
import { dockerNetworkName } from "../vm/private-networks.ts";
import { type BackendAddress, haproxyConfig } from "./haproxy-config.ts";
import { parseStats, statsCommand } from "./haproxy-stats.ts";

export const LB_LABEL = "dev.slipway.sandbox.load-balancer-id";
const CONFIG_DIR = "/etc/haproxy/slipway";
const READY_TIMEOUT_MS = 10_000;

export function lbContainerName(id: number): string {
  return `slipway-lb-${id}`;
}

/** docker run arguments for a load balancer's proxy. Pure, for tests. */
export function lbRunArgs(id: number, publicIpv4: string, configDir: string, image: string): string[] {
  // biome-ignore format: one flag and its value per line
  return [
    "run", "--detach",
    "--name", lbContainerName(id),
    "--hostname", lbContainerName(id),
    "--network", SANDBOX_NETWORK,
    "--ip", containerAddress(publicIpv4),
    "--restart", "unless-stopped",
    "--label", `${SANDBOX_LABEL}=1`,
    "--label", `${LB_LABEL}=${id}`,
    // Services bind their private IPs before Docker has connected the container to those networks.
    "--sysctl", "net.ipv4.ip_nonlocal_bind=1",
    "--volume", `${configDir}:${CONFIG_DIR}`,
    image,
  ];
}

/**
 * Where the sandbox's proxy reaches an address: a loopback public address at its container, an
 * address inside one of the load balancer's networks as is, anything else nowhere, so the sandbox never
 * sends traffic off the machine.
 */
export function sandboxBackendAddress(spec: LoadBalancerSpec): BackendAddress {
  const publicRanges = Object.values(PUBLIC_RANGES);
  return (ip) => {
    if (publicRanges.some((range) => cidrContains(range, ip))) return containerAddress(ip);
    if (spec.networks.some((n) => cidrContains(n.ipRange, ip))) return ip;
    return null;
  };
}

export class DockerLoadBalancerDriver implements LoadBalancerDriver {
  private readonly root: string;
  private readonly image: string;

  /** `root`: host directory holding one configuration directory per load balancer. */
  constructor(root: string, image: string = IMAGES.haproxy.tag) {
    this.root = root;
    this.image = image;
  }

  private dir(id: number): string {
    return join(this.root, String(id));
  }

  private socket(id: number): string {
    return join(this.dir(id), "stats.sock");
  }

  async apply(spec: LoadBalancerSpec): Promise<void> {
    const dir = this.dir(spec.id);
    await mkdir(dir, { recursive: true });
    const config = haproxyConfig(spec, {
      backendAddress: sandboxBackendAddress(spec),
      statsSocket: `${CONFIG_DIR}/stats.sock`,
    });
    const name = lbContainerName(spec.id);
    const state = await inspectFormat(name, "{{.State.Running}}");
    if (state === null) {
      await writeFile(join(dir, "haproxy.cfg"), config);
      await rm(this.socket(spec.id), { force: true });
      await docker(lbRunArgs(spec.id, spec.publicIpv4, dir, this.image));
    } else if (state !== "true") {
      await writeFile(join(dir, "haproxy.cfg"), config);
      await docker(["start", name]);
    }
    await this.connectNetworks(spec);
    if (state === "true") await this.reload(spec.id, config);
    await this.waitReady(spec.id);
  }

  /** Validates the new config inside the container, swaps it in and reloads; no-op when unchanged. */
  private async reload(id: number, config: string): Promise<void> {
    const file = join(this.dir(id), "haproxy.cfg");
    if (existsSync(file) && (await readFile(file, "utf8")) === config) return;
    await writeFile(`${file}.new`, config);
    const check = await exec([
      "docker",
      "exec",
      lbContainerName(id),
      "haproxy",
      "-c",
      "-q",
      "-f",
      `${CONFIG_DIR}/haproxy.cfg.new`,
    ]);
    if (check.code !== 0)
      throw new Error(`haproxy refused the configuration: ${(check.stderr || check.stdout).trim()}`);
    const before = await this.workerPid(id);
    await rename(`${file}.new`, file);
    await docker(["kill", "--signal", "USR2", lbContainerName(id)]);
    for (const started = Date.now(); Date.now() - started < READY_TIMEOUT_MS; await sleep(50)) {
      const pid = await this.workerPid(id);
      if (pid !== null && pid !== before) return;
    }
    throw new Error(`load balancer ${id}: haproxy did not reload within ${READY_TIMEOUT_MS / 1000} s`);
  }

  private async workerPid(id: number): Promise<string | null> {
    try {
      return /^Pid: (\d+)$/m.exec(await statsCommand(this.socket(id), "show info"))?.[1] ?? null;
    } catch {
      return null;
    }
  }

  /** Waits until the proxy answers on its stats socket; a proxy that exits fails with its log. */
  private async waitReady(id: number): Promise<void> {
    const name = lbContainerName(id);
    for (const started = Date.now(); Date.now() - started < READY_TIMEOUT_MS; await sleep(50)) {
      if ((await this.workerPid(id)) !== null) return;
      if ((await inspectFormat(name, "{{.State.Running}}")) !== "true") {
        const logs = await exec(["docker", "logs", "--tail", "20", name]);
        throw new Error(`load balancer ${id}: haproxy stopped: ${(logs.stdout + logs.stderr).trim()}`);
      }
    }
    throw new Error(`load balancer ${id}: haproxy did not start within ${READY_TIMEOUT_MS / 1000} s`);
  }

  /** Joins the Docker networks of its Hetzner networks at its private IPs, and leaves the others. */
  private async connectNetworks(spec: LoadBalancerSpec): Promise<void> {
    const name = lbContainerName(spec.id);
    const current = await inspectFormat(
      name,
      "{{range $net, $ep := .NetworkSettings.Networks}}{{$net}}={{$ep.IPAddress}} {{end}}",
    );
    const have = new Map(
      (current ?? "")
        .split(" ")
        .filter(Boolean)
        .map((pair) => pair.split("=") as [string, string]),
    );
    const want = new Map(spec.networks.map((n) => [dockerNetworkName(n.network), n.ip]));
    for (const [network, ip] of have) {
      if (network.startsWith("slipway-net-") && want.get(network) !== ip)
        await docker(["network", "disconnect", "--force", network, name]);
    }
    for (const [network, ip] of want) {
      if (have.get(network) === ip) continue;
      await this.waitForNetwork(network);
      await docker(["network", "connect", "--ip", ip, network, name]);
    }
  }

  /** The Docker network of a Hetzner network is made by the machine driver's networking sync. */
  private async waitForNetwork(network: string): Promise<void> {
    for (const started = Date.now(); Date.now() - started < READY_TIMEOUT_MS; await sleep(200)) {
      if ((await inspectFormat(network, "{{.Id}}")) !== null) return;
    }
    throw new Error(`Docker network ${network} does not exist yet`);
  }

  async destroy(id: number): Promise<void> {
    await exec(["docker", "rm", "--force", lbContainerName(id)]);
    await rm(this.dir(id), { recursive: true, force: true });
  }

  async health(id: number): Promise<TargetHealth[]> {
    if (!existsSync(this.socket(id))) return [];
    return parseStats(await statsCommand(this.socket(id), "show stat"));
  }

  async prune(keep: readonly number[]): Promise<void> {
    const out = await docker([
      "ps",
      "--all",
      "--filter",
      `label=${LB_LABEL}`,
      "--format",
      `{{.Label "${LB_LABEL}"}}`,
    ]);
    for (const id of out.split("\n").filter(Boolean).map(Number)) {
      if (!keep.includes(id)) await this.destroy(id);
    }
  }
}
