/**
 * Reaches the host a resource lives on: turns the observed state of its server (public address,
 * pinned host key) into an SSH connection as the deploy user. Commands needing root go through sudo.
 * With a bastion, every other server is reached through it, at its private address when it has one.
 */
import { UserError } from "../errors.ts";
import { type Argv, toShell } from "../util/shell.ts";
import type { HostTarget, SshConnection, SshPool } from "./ssh.ts";

export interface ServerOutputs {
  name: string;
  ipv4: string | null;
  hostKey: string;
  /** Addresses on private networks, when the server is attached to any. */
  privateIps?: readonly string[];
}

export interface ConnectorOptions {
  sshPort?: number;
  /** Address of the hetzner.server resource every other server is reached through. */
  bastion?: string;
}

export interface HostRef {
  /** Address of the hetzner.server resource, e.g. "hetzner.server.web". */
  server: string;
  user: string;
}

export class HostConnector {
  private readonly pool: SshPool;
  private readonly observed: ReadonlyMap<string, unknown>;
  private readonly sshPort: number;
  private readonly bastion: string | undefined;
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    pool: SshPool,
    observed: ReadonlyMap<string, unknown>,
    options: ConnectorOptions | number = {},
  ) {
    const settings = typeof options === "number" ? { sshPort: options } : options;
    this.pool = pool;
    this.observed = observed;
    this.sshPort = settings.sshPort ?? 22;
    this.bastion = settings.bastion;
  }

  /**
   * Runs `work` alone among this run's work on the same server: for steps that check, then claim
   * something on the host (a free port), which two releases started at once would otherwise both claim.
   */
  exclusive<T>(ref: HostRef, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(ref.server) ?? Promise.resolve();
    const result = previous.then(work, work);
    this.locks.set(
      ref.server,
      result.then(
        () => {},
        () => {},
      ),
    );
    return result;
  }

  /** The server's outputs, or null when the server does not exist (yet). */
  server(ref: HostRef): ServerOutputs | null {
    return (this.observed.get(ref.server) as ServerOutputs | undefined) ?? null;
  }

  /** Where and how to reach the server: directly at its public address, or through the bastion. */
  target(ref: HostRef): HostTarget {
    const server = this.server(ref);
    if (!server) throw new UserError(`${ref.server} does not exist, so nothing can run on it`);
    const base = { name: server.name, port: this.sshPort, user: ref.user, hostKey: server.hostKey };
    if (this.bastion && this.bastion !== ref.server) {
      const via = this.target({ server: this.bastion, user: ref.user });
      const address = server.privateIps?.[0] ?? server.ipv4;
      if (!address) throw new UserError(`${server.name} has no address the bastion can reach`);
      return { ...base, address, via };
    }
    if (!server.ipv4) {
      throw new UserError(`${server.name} has no public IPv4 address to connect to`, {
        hint: "Give its group ipv4: true, or reach it through a jump host with ssh.bastion.",
      });
    }
    return { ...base, address: server.ipv4 };
  }

  connect(ref: HostRef): Promise<SshConnection> {
    return Promise.resolve().then(() => this.pool.connect(this.target(ref)));
  }

  /** Proves a new login works now, beside the pooled connection (after changing sshd or keys). */
  verifyLogin(ref: HostRef): Promise<void> {
    return this.pool.verifyLogin(this.target(ref));
  }
}

/** Runs argv as root: through `sudo -n` unless already root (-n: fail rather than prompt). */
export function asRoot(user: string, argv: Argv): string {
  return toShell(user === "root" ? argv : ["sudo", "-n", ...argv]);
}
