// The SSH pool through a bastion: two in-process ssh2 servers on 127.0.0.1, the target reached only
// through the bastion's direct-tcpip channel, each with its own pinned host key.
import { connect as tcpConnect } from "node:net";
import ssh2 from "ssh2";
import { afterEach, describe, expect, it } from "vitest";
import { HostKeyMismatchError, type HostTarget, SshPool } from "../../../src/hosts/ssh.ts";

interface FakeHost {
  port: number;
  hostKey: string;
  forwarded: string[];
  close(): void;
}

const client = ssh2.utils.generateKeyPairSync("ed25519");
const identity = { path: "test key", privateKey: client.private, publicKey: client.public };
const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/** An sshd that accepts only `client`'s key, runs `echo`-like commands, and forwards TCP if allowed. */
function fakeHost(name: string, options: { forward: boolean }): Promise<FakeHost> {
  const key = ssh2.utils.generateKeyPairSync("ed25519");
  const allowed = ssh2.utils.parseKey(client.public) as ssh2.ParsedKey;
  const forwarded: string[] = [];
  const server = new ssh2.Server({ hostKeys: [key.private] }, (conn) => {
    conn.on("authentication", (ctx) => {
      const ok =
        ctx.method === "publickey" &&
        ctx.key.algo === allowed.type &&
        ctx.key.data.equals(allowed.getPublicSSH()) &&
        (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
      return ok ? ctx.accept() : ctx.reject(["publickey"]);
    });
    conn.on("ready", () => {
      conn.on("session", (accept) => {
        accept().on("exec", (acceptExec, _reject, info) => {
          const stream = acceptExec();
          stream.write(`${name} ran ${info.command}\n`);
          stream.exit(0);
          stream.end();
        });
      });
      conn.on("tcpip", (accept, reject, info) => {
        if (!options.forward) return reject();
        forwarded.push(`${info.destIP}:${info.destPort}`);
        const channel = accept();
        const socket = tcpConnect(info.destPort, info.destIP);
        channel.pipe(socket).pipe(channel);
        socket.on("error", () => channel.close());
      });
    });
    conn.on("error", () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      const host = { port, hostKey: key.public, forwarded, close: () => server.close() };
      open.push(host);
      resolve(host);
    });
  });
}

function target(name: string, host: FakeHost, extra: Partial<HostTarget> = {}): HostTarget {
  return { name, address: "127.0.0.1", port: host.port, user: "deploy", hostKey: host.hostKey, ...extra };
}

describe("SshPool through a bastion", () => {
  it("reaches the server through the bastion's channel and runs commands on the server itself", async () => {
    const bastion = await fakeHost("bastion", { forward: true });
    const db = await fakeHost("db", { forward: false });
    const pool = new SshPool(identity, { connectTimeoutMs: 5_000 });
    try {
      const ssh = await pool.connect(target("db", db, { via: target("bastion", bastion) }));
      expect(await ssh.run("uptime", "running uptime")).toBe("db ran uptime\n");
      expect(bastion.forwarded).toEqual([`127.0.0.1:${db.port}`]);
      await pool.verifyLogin(target("db", db, { via: target("bastion", bastion) }));
      expect(bastion.forwarded).toHaveLength(2);
    } finally {
      await pool.closeAll();
    }
  });

  it("checks the pinned key of the server behind the bastion, not only the bastion's", async () => {
    const bastion = await fakeHost("bastion", { forward: true });
    const db = await fakeHost("db", { forward: false });
    const impostor = await fakeHost("impostor", { forward: false });
    const pool = new SshPool(identity, { connectTimeoutMs: 5_000 });
    try {
      const pinnedElsewhere = target("db", impostor, {
        hostKey: db.hostKey,
        via: target("bastion", bastion),
      });
      await expect(pool.connect(pinnedElsewhere)).rejects.toThrow(HostKeyMismatchError);
      await expect(pool.connect(pinnedElsewhere)).rejects.toThrow(
        /db \(127\.0\.0\.1:\d+\) presented host key/,
      );
    } finally {
      await pool.closeAll();
    }
  });

  it("fails on the bastion's own key mismatch before anything is forwarded", async () => {
    const bastion = await fakeHost("bastion", { forward: true });
    const other = await fakeHost("other", { forward: true });
    const db = await fakeHost("db", { forward: false });
    const pool = new SshPool(identity, { connectTimeoutMs: 5_000 });
    try {
      const via = target("bastion", bastion, { hostKey: other.hostKey });
      await expect(pool.connect(target("db", db, { via }))).rejects.toThrow(/bastion .* presented host key/);
      expect(bastion.forwarded).toEqual([]);
    } finally {
      await pool.closeAll();
    }
  });
});
