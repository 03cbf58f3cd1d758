// The user_data every server gets: valid cloud-config with the deploy user and host key, honoured by the sandbox.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { serverUserData } from "../../../src/hosts/user-data.ts";
import { firstBootScripts } from "../../../src/sandbox/vm/cloud-init.ts";

const PRIVATE = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjE=",
  "-----END OPENSSH PRIVATE KEY-----",
  "",
].join("\n");
const input = {
  user: "deploy",
  authorizedKeys: ["ssh-ed25519 AAAAuser laptop", "ssh-ed25519 AAAAci ci"],
  hostKey: { privateKey: PRIVATE, publicKey: "ssh-ed25519 AAAAhost web-1" },
};

describe("serverUserData", () => {
  it("starts with the #cloud-config marker", () => {
    expect(serverUserData(input).split("\n")[0]).toBe("#cloud-config");
  });

  it("parses back to the deploy user, the host key and password logins off", () => {
    expect(parse(serverUserData(input))).toEqual({
      users: [
        {
          name: "deploy",
          groups: ["sudo"],
          shell: "/bin/bash",
          sudo: "ALL=(ALL) NOPASSWD:ALL",
          lock_passwd: true,
          ssh_authorized_keys: ["ssh-ed25519 AAAAuser laptop", "ssh-ed25519 AAAAci ci"],
        },
      ],
      ssh_pwauth: false,
      ssh_deletekeys: true,
      ssh_genkeytypes: [],
      ssh_keys: { ed25519_private: PRIVATE, ed25519_public: "ssh-ed25519 AAAAhost web-1" },
    });
  });

  it("parses the same as YAML 1.1, the way cloud-init reads it", () => {
    expect(parse(serverUserData(input), { version: "1.1" })).toEqual(parse(serverUserData(input)));
  });

  it.each(["no", "yes", "on", "off"])("keeps the user name %j a string when read as YAML 1.1", (user) => {
    const doc = parse(serverUserData({ ...input, user }), { version: "1.1" });
    expect(doc.users[0].name).toBe(user);
  });
});

describe("serverUserData through the sandbox's cloud-init", () => {
  const { init } = firstBootScripts(serverUserData(input), ["ssh-ed25519 AAAAroot root"]);
  const lines = init.split("\n");

  it("installs the generated host key before sshd starts", () => {
    expect(init).toContain(
      `printf '%s\\n' '${PRIVATE.trim()}' > /etc/ssh/ssh_host_ed25519_key\nchmod 600 /etc/ssh/ssh_host_ed25519_key\n`,
    );
    expect(lines).toContain(
      "printf '%s\\n' 'ssh-ed25519 AAAAhost web-1' > /etc/ssh/ssh_host_ed25519_key.pub",
    );
  });

  it("creates the deploy user with sudo and both keys", () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        "id -u deploy >/dev/null 2>&1 || useradd --create-home --home-dir /home/deploy --shell /bin/bash deploy",
        "usermod -aG sudo deploy",
        "passwd -l deploy >/dev/null",
        "printf '%s\\n' 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-cloud-init-deploy",
        "printf '%s\\n' 'ssh-ed25519 AAAAuser laptop' >> /home/deploy/.ssh/authorized_keys",
        "printf '%s\\n' 'ssh-ed25519 AAAAci ci' >> /home/deploy/.ssh/authorized_keys",
      ]),
    );
  });

  it("turns password logins off and reports no key as unsupported", () => {
    expect(lines).toContain(
      "printf '%s %s\\n' PasswordAuthentication no > /etc/ssh/sshd_config.d/50-cloud-init.conf",
    );
    expect(init).not.toContain("not supported");
  });
});
