// The sandbox's cloud-init subset, init stage: host keys, root's keys, sshd settings and users as script text.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstBootScripts } from "../../../../src/sandbox/vm/cloud-init.ts";

const ROOT_KEY = "ssh-ed25519 AAAAroot root@laptop";
const lines = (script: string) => script.split("\n");
const init = (userData: string | null, keys: string[] = []) => lines(firstBootScripts(userData, keys).init);

describe("firstBootScripts without cloud-config", () => {
  it.each([
    ["no user data", null],
    ["plain text", "hello"],
  ])("with %s installs only root's keys", (_, userData) => {
    expect(firstBootScripts(userData, [ROOT_KEY])).toEqual({
      init: [
        "set -u",
        "umask 022",
        "install -d -m 700 -o root -g root /root/.ssh",
        "printf '%s\\n' 'ssh-ed25519 AAAAroot root@laptop' >> /root/.ssh/authorized_keys",
        "chmod 600 /root/.ssh/authorized_keys && chown root: /root/.ssh/authorized_keys",
        "",
      ].join("\n"),
      final: "set -u\n",
    });
  });

  it("runs a #! script after boot, as written", () => {
    const script = '#!/bin/sh\necho "it\'s $HOME"';
    const { init: first, final: last } = firstBootScripts(script, [ROOT_KEY]);
    expect(first).toContain("/root/.ssh/authorized_keys");
    const encoded = Buffer.from(script).toString("base64");
    expect(last).toBe(
      [
        "set -u",
        `printf '%s' ${encoded} | base64 -d > /var/lib/cloud/instance/user-script`,
        "chmod 700 /var/lib/cloud/instance/user-script && /var/lib/cloud/instance/user-script",
        "",
      ].join("\n"),
    );
  });

  it("keeps a script whose lines could end a heredoc intact", () => {
    const script = "#!/bin/sh\ncat <<EOF\nSLIPWAY_EOF\nEOF\n";
    const { final: last } = firstBootScripts(script, []);
    const encoded = /printf '%s' (\S+) \| base64 -d/.exec(last)?.[1];
    expect(Buffer.from(encoded ?? "", "base64").toString()).toBe(script);
  });
});

describe("firstBootScripts: keys and sshd", () => {
  it("writes the host keys the user data sets, private ones owner-only, rsa to ed25519", () => {
    const userData = [
      "#cloud-config",
      "ssh_keys:",
      "  ed25519_private: |",
      "    -----BEGIN OPENSSH PRIVATE KEY-----",
      "    b3BlbnNzaA==",
      "    -----END OPENSSH PRIVATE KEY-----",
      "  ed25519_public: ssh-ed25519 AAAAhost",
      "  rsa_private: RSAKEY",
    ].join("\n");
    expect(init(userData).slice(2)).toEqual([
      "printf '%s\\n' RSAKEY > /etc/ssh/ssh_host_rsa_key",
      "chmod 600 /etc/ssh/ssh_host_rsa_key",
      "printf '%s\\n' '-----BEGIN OPENSSH PRIVATE KEY-----",
      "b3BlbnNzaA==",
      "-----END OPENSSH PRIVATE KEY-----' > /etc/ssh/ssh_host_ed25519_key",
      "chmod 600 /etc/ssh/ssh_host_ed25519_key",
      "printf '%s\\n' 'ssh-ed25519 AAAAhost' > /etc/ssh/ssh_host_ed25519_key.pub",
      "chmod 644 /etc/ssh/ssh_host_ed25519_key.pub",
      "",
    ]);
  });

  it("adds top-level ssh_authorized_keys to root's, after the project keys", () => {
    const script = init("#cloud-config\nssh_authorized_keys: [ssh-ed25519 AAAAextra]", [ROOT_KEY]);
    expect(script.filter((l) => l.includes(">> /root/.ssh/authorized_keys"))).toEqual([
      "printf '%s\\n' 'ssh-ed25519 AAAAroot root@laptop' >> /root/.ssh/authorized_keys",
      "printf '%s\\n' 'ssh-ed25519 AAAAextra' >> /root/.ssh/authorized_keys",
    ]);
  });

  it.each([
    ["false", "no"],
    ["no", "no"],
    ["true", "yes"],
  ])("turns ssh_pwauth: %s into PasswordAuthentication %s", (value, setting) => {
    expect(init(`#cloud-config\nssh_pwauth: ${value}`)).toContain(
      `printf '%s %s\\n' PasswordAuthentication ${setting} > /etc/ssh/sshd_config.d/50-cloud-init.conf`,
    );
  });

  it("leaves sshd alone when ssh_pwauth is not set", () => {
    expect(init("#cloud-config\nusers: []").join("\n")).not.toContain("PasswordAuthentication");
  });

  it("with disable_root, turns each root key into a message naming the first user, as cloud-init does", () => {
    const userData = "#cloud-config\ndisable_root: true\nusers: [default, {name: deploy}]";
    const command = init(userData, [ROOT_KEY]).find((l) =>
      l.startsWith("test -f /root/.ssh/authorized_keys"),
    );
    const dir = mkdtempSync(join(tmpdir(), "slipway-cloud-init-"));
    const keys = join(dir, "authorized_keys");
    writeFileSync(keys, `${ROOT_KEY}\n`);
    const run = spawnSync("bash", ["-c", command!.replaceAll("/root/.ssh/authorized_keys", keys)]);
    expect(run.status).toBe(0);
    expect(readFileSync(keys, "utf8")).toBe(
      `no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command="echo 'Please login as the user \\"deploy\\" rather than the user \\"root\\".';echo;sleep 10;exit 142" ${ROOT_KEY}\n`,
    );
  });
});

describe("firstBootScripts: users", () => {
  it("creates a user with groups, passwordless sudo, a locked password and its keys", () => {
    const userData = [
      "#cloud-config",
      "users:",
      "  - default",
      "  - name: deploy",
      "    groups: [sudo, docker]",
      "    sudo: ALL=(ALL) NOPASSWD:ALL",
      "    ssh_authorized_keys: [ssh-ed25519 AAAAdeploy]",
    ].join("\n");
    expect(init(userData).slice(2)).toEqual([
      "id -u deploy >/dev/null 2>&1 || useradd --create-home --home-dir /home/deploy --shell /bin/bash deploy",
      "getent group sudo >/dev/null || groupadd sudo",
      "usermod -aG sudo deploy",
      "getent group docker >/dev/null || groupadd docker",
      "usermod -aG docker deploy",
      "passwd -l deploy >/dev/null",
      "printf '%s\\n' 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-cloud-init-deploy",
      "chmod 440 /etc/sudoers.d/90-cloud-init-deploy",
      "install -d -m 700 -o deploy -g deploy /home/deploy/.ssh",
      "printf '%s\\n' 'ssh-ed25519 AAAAdeploy' >> /home/deploy/.ssh/authorized_keys",
      "chmod 600 /home/deploy/.ssh/authorized_keys && chown deploy: /home/deploy/.ssh/authorized_keys",
      "",
    ]);
  });

  it("honours home, shell, comma-separated groups, several sudo rules and an unlocked password", () => {
    const userData = [
      "#cloud-config",
      "users:",
      "  - name: ops",
      '    groups: "adm, www-data"',
      "    homedir: /srv/ops",
      "    shell: /bin/sh",
      "    lock_passwd: false",
      '    sudo: ["ALL=(ALL) ALL", "ALL=(root) /usr/bin/systemctl"]',
    ].join("\n");
    const script = init(userData);
    expect(script).toContain(
      "id -u ops >/dev/null 2>&1 || useradd --create-home --home-dir /srv/ops --shell /bin/sh ops",
    );
    expect(script.filter((l) => l.startsWith("usermod"))).toEqual([
      "usermod -aG adm ops",
      "usermod -aG www-data ops",
    ]);
    expect(script).toContain(
      "printf '%s\\n' 'ops ALL=(ALL) ALL' 'ops ALL=(root) /usr/bin/systemctl' > /etc/sudoers.d/90-cloud-init-ops",
    );
    expect(script.join("\n")).not.toContain("passwd -l");
  });

  it("skips a user without a name, saying so", () => {
    expect(init("#cloud-config\nusers: [{groups: sudo}]")).toContain(
      "echo 'cloud-init: a user without a name was skipped'",
    );
  });
});
