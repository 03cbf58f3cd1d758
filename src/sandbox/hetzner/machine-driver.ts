/**
 * The boundary between the Hetzner API emulator (pure bookkeeping of API objects) and whatever runs a
 * server's "machine". In the sandbox the machine is a Docker container with sshd and its own dockerd
 * (src/sandbox/vm/); the emulator never touches Docker itself, so its API behaviour can be tested fast.
 */
import type { NetworkingFailure, NetworkingPlan } from "./network-realization.ts";

export interface MachineSpec {
  /** The Hetzner server id; the driver names its machine after it. */
  readonly id: number;
  /** The server name, used as the machine's hostname. */
  readonly name: string;
  /** Hetzner image name, e.g. "debian-12". */
  readonly image: string;
  /** Hetzner server type name, e.g. "cx22". */
  readonly serverType: string;
  /** The loopback address standing in for the server's public IPv4 (127.0.1.x). */
  readonly publicIpv4: string;
  /** Raw user_data as given at create (cloud-init), or null. */
  readonly userData: string | null;
  /** Public keys of the SSH keys given at create: they go to root's authorized_keys, as on Hetzner. */
  readonly rootSshKeys: readonly string[];
}

export type MachinePower = "running" | "off" | "missing";

export interface MachineDriver {
  /** Creates and boots the machine; resolves once it runs (sshd may still be starting). */
  create(spec: MachineSpec): Promise<void>;
  powerOn(id: number): Promise<void>;
  /** Hard power off, like pulling the plug. */
  powerOff(id: number): Promise<void>;
  /** ACPI shutdown: processes get a chance to stop. */
  shutdown(id: number): Promise<void>;
  reboot(id: number): Promise<void>;
  /** Removes the machine and everything it owned. A missing machine is not an error. */
  destroy(id: number): Promise<void>;
  power(id: number): Promise<MachinePower>;
  /**
   * Converges private networks, servers' private addresses and firewalls to the plan (idempotent; the
   * plan is the whole picture). What cannot be realized is returned, so only the actions it concerns
   * fail; a throw fails them all. Optional: a driver without it realizes no networking.
   */
  syncNetworking?(plan: NetworkingPlan): Promise<readonly NetworkingFailure[]>;
}
