// Which servers `slipway ssh`/`exec` mean, the known_hosts pin, prefixed output and exec's argv split.
import { describe, expect, it } from "vitest";
import { splitExecArgs } from "../../../src/cli/commands/exec.ts";
import { sshArgv } from "../../../src/cli/commands/ssh.ts";
import { UsageError } from "../../../src/errors.ts";
import { knownHostsLine, prefixLines, selectServers } from "../../../src/hosts/targets.ts";

const servers = [
  { name: "web-1", group: "web", address: "hetzner.server.web-1" },
  { name: "web-2", group: "web", address: "hetzner.server.web-2" },
  { name: "db", group: "db", address: "hetzner.server.db" },
];

describe("selectServers", () => {
  it.each([
    [["web-2"], false, ["web-2"]],
    [["web"], false, ["web-1", "web-2"]],
    [["db", "web-1", "web"], false, ["db", "web-1", "web-2"]],
    [[], true, ["web-1", "web-2", "db"]],
  ])("%j (all: %s) picks %j", (names, all, picked) => {
    expect(selectServers(servers, names, all).map((s) => s.name)).toEqual(picked);
  });

  it("suggests the closest name for a typo", () => {
    expect(() => selectServers(servers, ["wbe-1"], false)).toThrow(
      'no server or group named "wbe-1"; did you mean "web-1"?',
    );
    expect(() => selectServers(servers, [], false)).toThrow(UsageError);
  });
});

describe("knownHostsLine", () => {
  it("pins the key for the address, in brackets with the port when not 22", () => {
    expect(knownHostsLine("127.0.1.5", 22, "ssh-ed25519 AAAAkey hetzner.server.web")).toBe(
      "127.0.1.5 ssh-ed25519 AAAAkey",
    );
    expect(knownHostsLine("10.0.1.5", 2222, "ssh-ed25519 AAAAkey")).toBe(
      "[10.0.1.5]:2222 ssh-ed25519 AAAAkey",
    );
  });
});

describe("prefixLines", () => {
  it("prefixes whole lines and holds back a partial one", () => {
    const first = prefixLines("web-1 | ", "", "a\nb");
    expect(first).toEqual({ lines: ["web-1 | a"], rest: "b" });
    expect(prefixLines("web-1 | ", first.rest, "c\n")).toEqual({ lines: ["web-1 | bc"], rest: "" });
  });
});

describe("exec and ssh arguments", () => {
  it("takes server names before -- (skipping flag values) and the command line after it", () => {
    expect(splitExecArgs(["-c", "other.ts", "web,db", "--concurrency", "2", "--", "ls", "-l", "/"])).toEqual({
      names: ["web", "db"],
      command: "ls -l /",
    });
    expect(splitExecArgs(["--all", "--", "uptime"])).toEqual({ names: [], command: "uptime" });
  });

  it("pins host keys strictly and jumps through a bastion with the same pins", () => {
    const via = { name: "bastion", address: "127.0.1.9", port: 22, user: "deploy", hostKey: "ssh-ed25519 B" };
    const target = {
      name: "db",
      address: "10.0.1.5",
      port: 22,
      user: "deploy",
      hostKey: "ssh-ed25519 D",
      via,
    };
    const argv = sshArgv(target, "/k", "/kh", ["uptime"]);
    expect(argv).toContain("StrictHostKeyChecking=yes");
    expect(argv).toContain("UserKnownHostsFile=/kh");
    expect(argv.find((a) => a.startsWith("ProxyCommand="))).toBe(
      "ProxyCommand=ssh -i /k -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/kh -o GlobalKnownHostsFile=/dev/null -p 22 -W %h:%p deploy@127.0.1.9",
    );
    expect(argv.slice(-3)).toEqual(["deploy@10.0.1.5", "--", "uptime"]);
    expect(sshArgv({ ...target, via: undefined }, "/k", "/kh", [])).toContain("-t");
  });
});
