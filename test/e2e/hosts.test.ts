/**
 * Host hardening, proven from outside against the sandbox: after `slipway up` of two servers, root and
 * passwords are refused and the deploy user gets in with the stack's key; a port scan of each server's
 * public address finds only allowed ports open, even where a container publishes a port the stack does
 * not allow; a second `up` changes nothing; a hand edit of sshd_config shows as drift on that host and
 * `up` repairs it; a server whose host key changed is refused with an error that says so.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectCli, REPO, runCli } from "./support/cli.ts";
import { loginAndRun, offeredMethods, openPorts } from "./support/host-probes.ts";

const PROBED_PORTS = [21, 22, 25, 80, 443, 2375, 3306, 5432, 6379, 8080, 8443, 9000];
const LISTENER =
  "perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>80,Listen=>5,ReuseAddr=>1) or die; while($c=$s->accept){print $c qq(HTTP/1.0 200 OK\\r\\n\\r\\nhi\\n); close $c}'";

interface Status {
  servers: { name: string; address: string }[];
}

describe("hardened hosts on the sandbox", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let key: string;
  let address: Record<string, string>;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: dir, env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "slipway-e2e-hosts-"));
    writeFileSync(
      join(dir, "slipway.config.ts"),
      readFileSync(join(REPO, "test/fixtures/stacks/hosts.slipway.config.ts"), "utf8"),
    );
    const pair = ssh2.utils.generateKeyPairSync("ed25519");
    key = pair.private;
    writeFileSync(join(dir, "id_ed25519"), key, { mode: 0o600 });
    env = { ...inject("sandboxEnv"), SLIPWAY_SSH_KEY: join(dir, "id_ed25519") };
    const up = await cli(["up", "--yes"], 0);
    for (const kind of ["user", "sshd", "docker", "ufw", "fail2ban", "upgrades", "timezone", "packages"]) {
      expect(up.stdout).toContain(`+ host.${kind}.web-1`);
      expect(up.stdout).toContain(`+ host.${kind}.web-2`);
    }
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as Status;
    address = Object.fromEntries(status.servers.map((s) => [s.name, s.address]));
  });
  afterAll(async () => {
    if (dir) await runCli(["destroy", "--yes"], { cwd: dir, env });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses root and passwords and lets the deploy user in with the stack's key", async () => {
    for (const name of ["web-1", "web-2"]) {
      const ip = address[name]!;
      expect(await offeredMethods(ip, "deploy")).toEqual(["publickey"]);
      // Root's authorized_keys holds this very key (Hetzner puts it there): sshd must still say no.
      await expect(loginAndRun(ip, "root", key, "id -un")).rejects.toThrow(/authentication methods failed/);
      expect((await loginAndRun(ip, "deploy", key, "id -un")).trim()).toBe("deploy");
    }
    const shell = await cli(["ssh", "web-2", "--", "id", "-un"], 0);
    expect(shell.stdout.trim()).toBe("deploy");
  });

  it("keeps every port but the allowed ones closed, including ports Docker publishes", async () => {
    await cli(
      ["exec", "web-1", "--", `sudo docker run -d --name open8443 -p 8443:80 debian:12 ${LISTENER}`],
      0,
    );
    await cli(
      ["exec", "web-1", "--", `sudo docker run -d --name closed8080 -p 8080:80 debian:12 ${LISTENER}`],
      0,
    );
    // Both containers answer on the host itself: what stops 8080 from outside is the firewall.
    const local = await cli(
      ["exec", "web-1", "--", "curl -s -m 5 http://127.0.0.1:8080/ http://127.0.0.1:8443/"],
      0,
    );
    expect(local.stdout.match(/hi/g)).toHaveLength(2);

    expect(await openPorts(address["web-1"]!, PROBED_PORTS)).toEqual([22, 8443]);
    expect(await openPorts(address["web-2"]!, PROBED_PORTS)).toEqual([22]);
  });

  it("runs a command on every server with prefixed output and the worst exit code", async () => {
    const result = await cli(["exec", "--all", "--", "cat /etc/timezone; test $(hostname) = hosts-web-1"], 1);
    expect(result.stdout).toMatch(/^web-1 \| Europe\/Berlin$/m);
    expect(result.stdout).toMatch(/^web-2 \| Europe\/Berlin$/m);
    expect(result.stderr).toMatch(/^web-2 \| exit 1$/m);
  });

  it("changes nothing on a second up", async () => {
    const again = await cli(["up", "--yes"], 0);
    expect(again.stdout).toContain("No changes.");
  });

  it("shows a hand edit of sshd_config as drift on that host, and up repairs it", async () => {
    await cli(["exec", "web-1", "--", "sudo sed -i '1i PermitRootLogin yes' /etc/ssh/sshd_config"], 0);
    const plan = await cli(["plan", "--detailed-exitcode"], 2);
    expect(plan.stdout).toContain("~ host.sshd.web-1");
    expect(plan.stdout).toMatch(/PermitRootLogin\s+= "yes" → "no"/);
    expect(plan.stdout).not.toContain("host.sshd.web-2");

    await cli(["up", "--yes"], 0);
    await cli(["plan", "--detailed-exitcode"], 0);
    await expect(loginAndRun(address["web-1"]!, "root", key, "id -un")).rejects.toThrow(
      /authentication methods failed/,
    );
  });

  it("refuses a server whose host key changed, saying so", async () => {
    await cli(
      [
        "exec",
        "web-2",
        "--",
        "sudo rm -f /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub && sudo ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && sudo service ssh reload",
      ],
      0,
    );
    const exec = await cli(["exec", "web-2", "--", "true"], 255);
    expect(exec.stderr).toMatch(/web-2 .*presented host key ssh-ed25519 \S+, not the pinned ssh-ed25519/);
    const plan = await runCli(["plan"], { cwd: dir, env });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("presented host key");
    const shell = await runCli(["ssh", "web-2", "--", "true"], { cwd: dir, env });
    expect(shell.code).toBe(255);
    expect(shell.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });
});
