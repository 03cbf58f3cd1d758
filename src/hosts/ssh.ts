/**
 * The SSH executor (ssh2): one connection per host per run, reused by every command. The host key is
 * pinned: a server must present exactly the key slipway generated for it, and a mismatch fails at once
 * with an error that says so (never trust-on-first-use, never a silent accept). While a server boots,
 * refused connections and not-yet-created users are retried until a deadline. A server without a
 * public address is reached through a bastion: the pool's connection to the bastion opens a direct-tcpip
 * channel (`forwardOut`) and the server's own SSH session runs inside it, with its own pinned key.
 */
import type { Duplex } from "node:stream";
import ssh2 from "ssh2";
import { UserError } from "../errors.ts";
import { sleep } from "../util/wait.ts";
import { publicKeyBlob, type SshIdentity } from "./keys.ts";

export interface HostTarget {
  /** Logical name for messages and output prefixes, e.g. "web". */
  name: string;
  address: string;
  port: number;
  user: string;
  /** The pinned host key, "ssh-ed25519 AAAA…". */
  hostKey: string;
  /** A jump host to reach `address` through (its private address, seen from the bastion). */
  via?: HostTarget;
}

export interface RemoteResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class HostKeyMismatchError extends UserError {
  constructor(target: HostTarget, presented: string) {
    super(
      `${target.name} (${target.address}:${target.port}) presented host key ${presented}, not the pinned ${target.hostKey.split(" ").slice(0, 2).join(" ")}. ` +
        "Someone may be intercepting the connection, or the server was rebuilt outside slipway.",
      {
        hint: "If the server was rebuilt on purpose, run slipway up so slipway replaces it with one it knows.",
      },
    );
  }
}

export class RemoteCommandError extends UserError {
  readonly doing: string;
  readonly result: RemoteResult;
  constructor(target: HostTarget, doing: string, result: RemoteResult) {
    const output = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-12).join("\n");
    super(`${target.name}: ${doing} failed (exit ${result.code})${output ? `:\n${output}` : ""}`);
    this.doing = doing;
    this.result = result;
  }
}

/**
 * Commands run at once over one connection. OpenSSH refuses sessions past MaxSessions (10 by default)
 * with "Channel open failure"; a plan reads a dozen settings and releases of one host at the same time.
 */
export const MAX_SESSIONS = 8;

export class SshConnection {
  readonly target: HostTarget;
  private readonly client: ssh2.Client;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(target: HostTarget, client: ssh2.Client) {
    this.target = target;
    this.client = client;
  }

  private async session<T>(run: () => Promise<T>): Promise<T> {
    if (this.active < MAX_SESSIONS) this.active++;
    else await new Promise<void>((wake) => this.waiting.push(wake)); // the finished one hands its slot over
    try {
      return await run();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Runs one shell command line; resolves with its exit code and output, whatever the code. */
  exec(
    command: string,
    options: { stdin?: string | Buffer; timeoutMs?: number } = {},
  ): Promise<RemoteResult> {
    return this.session(() => this.execNow(command, options));
  }

  private execNow(
    command: string,
    options: { stdin?: string | Buffer; timeoutMs?: number },
  ): Promise<RemoteResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, stream) => {
        if (error) return reject(error);
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let code = 0;
        const timer = options.timeoutMs
          ? setTimeout(() => {
              stream.close();
              reject(new UserError(`${this.target.name}: command timed out after ${options.timeoutMs} ms`));
            }, options.timeoutMs)
          : undefined;
        stream.on("data", (chunk: Buffer) => out.push(chunk));
        stream.stderr.on("data", (chunk: Buffer) => err.push(chunk));
        stream.on("exit", (exitCode: number | null, signal?: string) => {
          code = exitCode ?? (signal ? 128 : 1);
        });
        stream.on("close", () => {
          clearTimeout(timer);
          resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
        });
        stream.end(options.stdin ?? "");
      });
    });
  }

  /**
   * Runs one command line and hands its output over as it comes, for `slipway exec`; resolves with the
   * exit code (128 + n for a signal, as shells report it).
   */
  stream(
    command: string,
    sinks: { stdout: (chunk: Buffer) => void; stderr: (chunk: Buffer) => void },
  ): Promise<number> {
    return this.session(() => this.streamNow(command, sinks));
  }

  private streamNow(
    command: string,
    sinks: { stdout: (chunk: Buffer) => void; stderr: (chunk: Buffer) => void },
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let code = 0;
        stream.on("data", sinks.stdout);
        stream.stderr.on("data", sinks.stderr);
        stream.on("exit", (exitCode: number | null, signal?: string) => {
          code = exitCode ?? (signal ? 128 : 1);
        });
        stream.on("close", () => resolve(code));
        stream.end();
      });
    });
  }

  /** A TCP connection to host:port opened from this server (SSH direct-tcpip), e.g. to a private server. */
  forwardOut(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut("127.0.0.1", 0, host, port, (error, channel) =>
        error ? reject(error) : resolve(channel),
      );
    });
  }

  /** Runs a command and returns stdout; a non-zero exit throws RemoteCommandError naming `doing`. */
  async run(command: string, doing: string, options: { stdin?: string | Buffer; timeoutMs?: number } = {}) {
    const result = await this.exec(command, options);
    if (result.code !== 0) throw new RemoteCommandError(this.target, doing, result);
    return result.stdout;
  }

  close(): void {
    this.client.end();
  }
}

const TRANSIENT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|handshake|authentication methods failed|Connection lost|Channel open failure/i;

function connectOnce(target: HostTarget, identity: SshIdentity, sock?: Duplex): Promise<ssh2.Client> {
  const pinned = publicKeyBlob(target.hostKey);
  const keyType = target.hostKey.trim().split(/\s+/)[0]!;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let mismatch: HostKeyMismatchError | undefined;
    client.on("ready", () => resolve(client));
    client.on("error", (error) => {
      client.end();
      reject(mismatch ?? error);
    });
    client.connect({
      ...(sock ? { sock } : { host: target.address, port: target.port }),
      username: target.user,
      privateKey: identity.privateKey,
      readyTimeout: 15_000,
      keepaliveInterval: 10_000,
      // Ask for the pinned key's type, so a server with several host keys shows the one we pinned.
      algorithms: { serverHostKey: [keyType as ssh2.ServerHostKeyAlgorithm] },
      hostVerifier: (key: Buffer) => {
        if (key.equals(pinned)) return true;
        mismatch = new HostKeyMismatchError(target, `${keyType} ${key.toString("base64")}`);
        return false;
      },
    });
  });
}

/** Connections for one run, opened on first use and kept until closeAll. */
export class SshPool {
  private readonly connections = new Map<string, Promise<SshConnection>>();
  private readonly identity: SshIdentity;
  private readonly options: { connectTimeoutMs: number };

  constructor(identity: SshIdentity, options: { connectTimeoutMs: number } = { connectTimeoutMs: 180_000 }) {
    this.identity = identity;
    this.options = options;
  }

  connect(target: HostTarget): Promise<SshConnection> {
    const through = target.via ? ` via ${target.via.address}` : "";
    const key = `${target.user}@${target.address}:${target.port}${through}`;
    let connection = this.connections.get(key);
    if (!connection) {
      connection = this.open(target);
      this.connections.set(key, connection);
      connection.catch(() => this.connections.delete(key));
    }
    return connection;
  }

  /**
   * Proves that a brand-new login works (not the pooled connection): after changing sshd, before
   * finishing. Retries briefly, since a reloaded sshd takes a moment to listen again.
   */
  async verifyLogin(target: HostTarget, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.dial(target);
        client.end();
        return;
      } catch (error) {
        if (error instanceof HostKeyMismatchError || Date.now() > deadline) throw error;
        await sleep(Math.min(250 * attempt, 1000));
      }
    }
  }

  private async dial(target: HostTarget): Promise<ssh2.Client> {
    if (!target.via) return connectOnce(target, this.identity);
    const jump = await this.connect(target.via);
    return connectOnce(target, this.identity, await jump.forwardOut(target.address, target.port));
  }

  private async open(target: HostTarget): Promise<SshConnection> {
    const deadline = Date.now() + this.options.connectTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return new SshConnection(target, await this.dial(target));
      } catch (error) {
        if (error instanceof HostKeyMismatchError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        if (!TRANSIENT.test(message) || Date.now() > deadline) {
          if (error instanceof UserError && target.via && message.includes(target.via.name)) throw error;
          throw new UserError(
            `cannot SSH to ${target.name} as ${target.user}@${target.address}:${target.port}${target.via ? ` through ${target.via.name}` : ""}: ${message}`,
            {
              hint: `slipway logs in with ${this.identity.path}; check the server runs and accepts that key.`,
            },
          );
        }
        await sleep(Math.min(500 * attempt, 3000));
      }
    }
  }

  async closeAll(): Promise<void> {
    const all = await Promise.allSettled(this.connections.values());
    for (const c of all) if (c.status === "fulfilled") c.value.close();
    this.connections.clear();
  }
}
