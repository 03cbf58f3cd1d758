/**
 * Sandbox servers as Docker containers: each runs sshd and its own dockerd, on the sandbox network at
 * the container address that mirrors its loopback public IP. The flags are the ones known to work on
 * cgroup-v1 Debian hosts (--privileged fails there with "unable to apply caps"). /var/lib/docker is a
 * volume, not the container's overlay (overlay on overlay fails), so a server's images survive reboots.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "../../util/exec.ts";
import { sleep } from "../../util/wait.ts";
import { docker, inspectFormat } from "../docker.ts";
import type { MachineDriver, MachinePower, MachineSpec } from "../hetzner/machine-driver.ts";
import type { NetworkingFailure, NetworkingPlan } from "../hetzner/network-realization.ts";
import { IMAGES } from "../images.ts";
import {
  containerAddress,
  REGISTRY_PORT,
  SANDBOX_LABEL,
  SANDBOX_NETWORK,
  SERVICE_ADDRESSES,
} from "../layout.ts";
import { netmapSpecs } from "../network.ts";
import { ensureSharedRoot, releaseMachine, vmVolumeArgs } from "../volumes/host-mounts.ts";
import { firstBootScripts } from "./cloud-init.ts";
import { DockerNetworking } from "./docker-networking.ts";

export const VM_LABEL = "dev.slipway.sandbox.server-id";

/** Null while the container keeps running for a second; else the last lines it printed ("" if none). */
async function diedRightAway(name: string): Promise<string | null> {
  for (let i = 0; i < 10; i++) {
    await sleep(100);
    if ((await inspectFormat(name, "{{.State.Running}}")) !== "true") {
      const logs = await exec(["docker", "logs", "--tail", "20", name]);
      return (logs.stdout + logs.stderr).trim();
    }
  }
  return null;
}

export function vmContainerName(id: number): string {
  return `slipway-vm-${id}`;
}

function dockerVolumeName(id: number): string {
  return `slipway-vm-${id}-docker`;
}

/**
 * docker run arguments for a server's container, before `docker create`. Pure, for tests. With a
 * volume root, the VM's /mnt is its directory there, where attached volumes appear (volumes/host-mounts.ts).
 */
export function vmCreateArgs(spec: MachineSpec, volumeRoot?: string): string[] {
  const name = vmContainerName(spec.id);
  // biome-ignore format: one flag and its value per line
  return [
    "create",
    "--name", name,
    "--hostname", spec.name,
    "--network", SANDBOX_NETWORK,
    // Without a public IPv4 Docker picks a 172.29.0.x address, outside the public ranges, and the
    // networking sync then takes the container off the sandbox network.
    ...(spec.publicIpv4 ? ["--ip", containerAddress(spec.publicIpv4)] : []),
    "--label", `${SANDBOX_LABEL}=1`,
    "--label", `${VM_LABEL}=${spec.id}`,
    "--cap-add", "ALL",
    "--cap-drop", "SYS_RESOURCE",
    "--security-opt", "seccomp=unconfined",
    "--security-opt", "apparmor=unconfined",
    "--sysctl", "net.ipv4.conf.all.route_localnet=1",
    "--volume", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--volume", `${dockerVolumeName(spec.id)}:/var/lib/docker`,
    "--env", `SLIPWAY_VM_NETMAP=${netmapSpecs().join(" ")}`,
    "--env", `SLIPWAY_VM_CGROUP=${name}`,
    "--env", `SLIPWAY_VM_DOCKERD_ARGS=--registry-mirror=http://${SERVICE_ADDRESSES.registry}:${REGISTRY_PORT}`,
    ...(volumeRoot ? vmVolumeArgs(volumeRoot, spec.id) : []),
    IMAGES.vm.tag,
  ];
}

export class DockerMachineDriver implements MachineDriver {
  private readonly networking = new DockerNetworking(vmContainerName);
  private readonly volumeRoot: string | undefined;

  /** `volumeRoot`: where volumes are mounted for the VMs (volumes/host-mounts.ts); absent, VMs get none. */
  constructor(options: { volumeRoot?: string } = {}) {
    this.volumeRoot = options.volumeRoot;
  }

  /** Private networks and firewalls: see docker-networking.ts. */
  syncNetworking(plan: NetworkingPlan): Promise<NetworkingFailure[]> {
    return this.networking.sync(plan);
  }

  async create(spec: MachineSpec): Promise<void> {
    const name = vmContainerName(spec.id);
    await docker(["rm", "--force", name]).catch(() => {}); // leftover of an interrupted create
    await docker(["volume", "create", "--label", `${SANDBOX_LABEL}=1`, dockerVolumeName(spec.id)]);
    if (this.volumeRoot) await ensureSharedRoot(this.volumeRoot);
    await docker(vmCreateArgs(spec, this.volumeRoot));
    const scripts = firstBootScripts(spec.userData, spec.rootSshKeys);
    const dir = await mkdtemp(join(tmpdir(), "slipway-seed-"));
    try {
      await writeFile(join(dir, "init.sh"), scripts.init, { mode: 0o600 });
      await writeFile(join(dir, "final.sh"), scripts.final, { mode: 0o600 });
      await docker(["cp", join(dir, "init.sh"), `${name}:/var/lib/cloud/seed/init.sh`]);
      await docker(["cp", join(dir, "final.sh"), `${name}:/var/lib/cloud/seed/final.sh`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await this.start(spec.id);
  }

  /** Starts the machine and makes sure it stays up: a boot script that dies is a failed create, not a server. */
  private async start(serverId: number): Promise<void> {
    const name = vmContainerName(serverId);
    if (this.volumeRoot) await ensureSharedRoot(this.volumeRoot); // gone after a reboot of the host
    // Seen once under heavy load: a VM container exited before its boot script printed anything, while
    // the engine logged "cannot find cgroup mount destination". A silent death like that is the host's
    // doing, not the server's, so it is started again; a death that prints why is final.
    for (let attempt = 1; ; attempt++) {
      await docker(["start", name]);
      const died = await diedRightAway(name);
      if (died === null) return;
      if (died !== "" || attempt === 3) {
        throw new Error(`server ${serverId} stopped right after boot: ${died || "(no output)"}`);
      }
    }
  }

  async powerOn(serverId: number): Promise<void> {
    await this.start(serverId);
  }

  async powerOff(id: number): Promise<void> {
    if ((await this.power(id)) === "running") await docker(["kill", vmContainerName(id)]);
  }

  async shutdown(id: number): Promise<void> {
    await docker(["stop", "--time", "30", vmContainerName(id)]);
  }

  async reboot(id: number): Promise<void> {
    await docker(["restart", "--time", "10", vmContainerName(id)]);
  }

  async destroy(id: number): Promise<void> {
    await docker(["rm", "--force", "--volumes", vmContainerName(id)]).catch(() => {});
    await docker(["volume", "rm", "--force", dockerVolumeName(id)]);
    if (this.volumeRoot) await releaseMachine(this.volumeRoot, id);
  }

  async power(id: number): Promise<MachinePower> {
    const running = await inspectFormat(vmContainerName(id), "{{.State.Running}}");
    if (running === null) return "missing";
    return running === "true" ? "running" : "off";
  }
}
