// SshConnection keeps at most MAX_SESSIONS commands open on one connection (OpenSSH refuses sessions
// past MaxSessions), queueing the rest in order, and hands a finished slot to the next one.
import { EventEmitter } from "node:events";
import type ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { MAX_SESSIONS, SshConnection } from "../../../src/hosts/ssh.ts";

/** An ssh2 client whose commands end when the test says so. */
function fakeClient() {
  let open = 0;
  let most = 0;
  const pending: (() => void)[] = [];
  const client = {
    exec(_command: string, callback: (error: Error | undefined, stream: unknown) => void) {
      open++;
      most = Math.max(most, open);
      const stream = Object.assign(new EventEmitter(), {
        stderr: new EventEmitter(),
        end: () => {},
        close: () => {},
      });
      pending.push(() => {
        open--;
        stream.emit("exit", 0);
        stream.emit("close");
      });
      callback(undefined, stream);
    },
  };
  return { client: client as unknown as ssh2.Client, most: () => most, finishOne: () => pending.shift()?.() };
}

describe("SshConnection sessions", () => {
  it(`runs at most ${MAX_SESSIONS} commands at once and all of them in the end`, async () => {
    const fake = fakeClient();
    const ssh = new SshConnection(
      { name: "web", address: "127.0.0.1", port: 22, user: "deploy", hostKey: "" } as never,
      fake.client,
    );
    const runs = Array.from({ length: 20 }, (_, i) => ssh.exec(`echo ${i}`));
    await new Promise((r) => setTimeout(r, 5));
    expect(fake.most()).toBe(MAX_SESSIONS);
    for (let i = 0; i < 20; i++) {
      fake.finishOne();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect((await Promise.all(runs)).every((r) => r.code === 0)).toBe(true);
    expect(fake.most()).toBe(MAX_SESSIONS);
  });
});
