/**
 * The cloud-init user_data slipway gives every server: the deploy user with passwordless sudo and the
 * stack's key, the SSH host key slipway generated (so the first connection is verified, no
 * trust-on-first-use), and password logins off from the first boot. Pure: returns text.
 */
import { stringify } from "yaml";

export interface UserDataInput {
  user: string;
  authorizedKeys: readonly string[];
  hostKey: { privateKey: string; publicKey: string };
}

export function serverUserData(input: UserDataInput): string {
  const config = {
    users: [
      {
        name: input.user,
        groups: ["sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [...input.authorizedKeys],
      },
    ],
    ssh_pwauth: false,
    ssh_deletekeys: true,
    ssh_genkeytypes: [],
    ssh_keys: {
      ed25519_private: input.hostKey.privateKey,
      ed25519_public: input.hostKey.publicKey,
    },
  };
  // cloud-init reads YAML 1.1, where a bare `yes`, `no`, `on` or `off` is a boolean: such strings get quoted.
  return `#cloud-config\n${stringify(config, { lineWidth: 0, version: "1.1" })}`;
}
