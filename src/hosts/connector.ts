/**
 * Reaches the host a resource lives on: turns the observed state of its server (public address,
 * pinned host key) into an SSH connection as the deploy user. Commands needing root go through sudo.
 */
import { UserError } from "../errors.ts";
import { type Argv, toShell } from "../util/shell.ts";
import type { SshConnection, SshPool } from "./ssh.ts";

export interface ServerOutputs {
  name: string;
  ipv4: string | null;
  hostKey: string;
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
  private readonly locks = new Map<string, Promise<void>>();

  constructor(pool: SshPool, observed: ReadonlyMap<string, unknown>, sshPort = 22) {
    this.pool = pool;
    this.observed = observed;
    this.sshPort = sshPort;
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

  async connect(ref: HostRef): Promise<SshConnection> {
    const server = this.server(ref);
    if (!server) throw new UserError(`${ref.server} does not exist, so nothing can run on it`);
    if (!server.ipv4) throw new UserError(`${server.name} has no public IPv4 address to connect to`);
    return this.pool.connect({
      name: server.name,
      address: server.ipv4,
      port: this.sshPort,
      user: ref.user,
      hostKey: server.hostKey,
    });
  }
}

/** Runs argv as root: through `sudo -n` unless already root (-n: fail rather than prompt). */
export function asRoot(user: string, argv: Argv): string {
  return toShell(user === "root" ? argv : ["sudo", "-n", ...argv]);
}
