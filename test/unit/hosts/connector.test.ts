// HostConnector.exclusive: work on one server runs one at a time, other servers are not held up.
import { describe, expect, it } from "vitest";
import { HostConnector } from "../../../src/hosts/connector.ts";
import type { SshPool } from "../../../src/hosts/ssh.ts";

const connector = () => new HostConnector({} as SshPool, new Map());
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("HostConnector.exclusive", () => {
  it("runs work for the same server one after another, even when one fails", async () => {
    const hosts = connector();
    const web = { server: "hetzner.server.web", user: "deploy" };
    let inside = 0;
    let most = 0;
    const work = (fail: boolean) => async () => {
      inside++;
      most = Math.max(most, inside);
      await tick();
      inside--;
      if (fail) throw new Error("claim failed");
      return "ok";
    };
    const results = await Promise.allSettled([
      hosts.exclusive(web, work(false)),
      hosts.exclusive(web, work(true)),
      hosts.exclusive(web, work(false)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(most).toBe(1);
  });

  it("lets different servers work at the same time", async () => {
    const hosts = connector();
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await tick();
      inside--;
    };
    await Promise.all([
      hosts.exclusive({ server: "hetzner.server.a", user: "deploy" }, work),
      hosts.exclusive({ server: "hetzner.server.b", user: "deploy" }, work),
    ]);
    expect(most).toBe(2);
  });
});
