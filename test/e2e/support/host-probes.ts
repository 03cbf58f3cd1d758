/**
 * Probes of a server from outside, as an attacker or a user would see it: which TCP ports accept a
 * connection, which SSH authentication methods the server offers, and whether a user gets in.
 * Traffic only goes to sandbox addresses (127.0.1.x), bounded in count and time.
 */
import { Socket } from "node:net";
import ssh2 from "ssh2";

export function portOpen(address: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.connect(port, address);
  });
}

export async function openPorts(address: string, ports: readonly number[]): Promise<number[]> {
  const open = await Promise.all(ports.map((p) => portOpen(address, p)));
  return ports.filter((_, i) => open[i]);
}

/** The authentication methods sshd offers `user` after the "none" attempt (what a client may try). */
export function offeredMethods(address: string, user: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let offered: string[] | null = null;
    client.on("error", () => (offered ? resolve(offered) : reject(new Error("no methods offered"))));
    client.on("ready", () => {
      client.end();
      reject(new Error(`${user} got in without credentials`));
    });
    client.connect({
      host: address,
      port: 22,
      username: user,
      readyTimeout: 10_000,
      hostVerifier: () => true,
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft === null) return next({ type: "none", username: user });
        offered = [...methodsLeft];
        return next(false as never);
      },
    });
  });
}

/** Logs in with a key and runs one command; resolves its stdout, or rejects with the login error. */
export function loginAndRun(
  address: string,
  user: string,
  privateKey: string,
  command: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on("error", reject);
    client.on("ready", () => {
      client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let output = "";
        stream.on("data", (chunk: Buffer) => {
          output += chunk;
        });
        stream.on("close", () => {
          client.end();
          resolve(output);
        });
      });
    });
    client.connect({
      host: address,
      port: 22,
      username: user,
      privateKey,
      readyTimeout: 10_000,
      hostVerifier: () => true,
    });
  });
}
