/**
 * `slipway ssh HOST [-- CMD]`: an interactive shell (or one command) on a server as the deploy user,
 * through the system's OpenSSH client so terminals, agents and escape sequences behave as users expect.
 * The host key is pinned through a known_hosts file written for this one call, with strict checking:
 * a changed key is refused by ssh itself, never accepted.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineCommand } from "citty";
import { UsageError } from "../../errors.ts";
import { loadIdentity } from "../../hosts/keys.ts";
import type { HostTarget } from "../../hosts/ssh.ts";
import { knownHostsLine } from "../../hosts/targets.ts";
import { openSession } from "../../stack/session.ts";
import { globalArgs } from "../args.ts";
import { environmentOf } from "../environment.ts";
import { reachableServers } from "../host-session.ts";

export function sshArgv(
  target: HostTarget,
  keyFile: string,
  knownHosts: string,
  command: string[],
): string[] {
  const common = [
    "-i",
    keyFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
  ];
  const jump = target.via
    ? [
        "-o",
        `ProxyCommand=ssh ${common.join(" ")} -p ${target.via.port} -W %h:%p ${target.via.user}@${target.via.address}`,
      ]
    : [];
  // biome-ignore format: one flag and its value per line
  return [
    "ssh", ...common, ...jump,
    "-p", String(target.port),
    ...(command.length > 0 ? [] : ["-t"]),
    `${target.user}@${target.address}`,
    ...(command.length > 0 ? ["--", ...command] : []),
  ];
}

export const sshCommand = defineCommand({
  meta: { name: "ssh", description: "Open a shell on a server (or run `-- CMD` there)" },
  args: {
    ...globalArgs,
    host: { type: "positional", description: "Server name (group, or group-N)", required: true },
  },
  async run({ args, rawArgs }) {
    const dash = rawArgs.indexOf("--");
    const command = dash === -1 ? [] : rawArgs.slice(dash + 1);
    const session = await openSession(args.config, process.env, { environment: environmentOf(args) });
    let dir: string | undefined;
    try {
      const picked = await reachableServers(session, [args.host], false);
      if (picked.length !== 1) {
        throw new UsageError(`"${args.host}" names ${picked.length} servers; ssh takes one`, {
          hint: `Pick one of ${picked.map((p) => p.server.name).join(", ")}, or use slipway exec ${args.host} -- CMD.`,
        });
      }
      const { target } = picked[0]!;
      const identity = loadIdentity(session.stack.ssh.privateKey, session.dir);
      dir = mkdtempSync(join(tmpdir(), "slipway-ssh-"));
      const knownHosts = join(dir, "known_hosts");
      const pinned = [target, ...(target.via ? [target.via] : [])];
      writeFileSync(
        knownHosts,
        `${pinned.map((t) => knownHostsLine(t.address, t.port, t.hostKey)).join("\n")}\n`,
      );
      const [file, ...argv] = sshArgv(target, identity.path, knownHosts, command);
      await session.close();
      return await new Promise<number>((resolve, reject) => {
        const child = spawn(file!, argv, { stdio: "inherit" });
        child.on("error", (error) =>
          reject(new UsageError(`cannot run ssh: ${error.message}`, { hint: "Install the OpenSSH client." })),
        );
        child.on("close", (code) => resolve(code ?? 1));
      });
    } finally {
      await session.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  },
});
