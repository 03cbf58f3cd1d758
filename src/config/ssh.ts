/**
 * How slipway reaches the hosts. `user` is also the deploy user slipway creates (sudo, keys only);
 * root login is switched off after the first boot. The private key is a *path*, resolved outside the
 * config: unset means SLIPWAY_SSH_KEY, else ~/.ssh/id_ed25519.
 */
import { z } from "zod";
import { Port, resourceName, text } from "./primitives.ts";

const PUBLIC_KEY =
  /^(?:ssh-(?:ed25519|rsa)|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+(?: .*)?$/;

export const Ssh = z.strictObject({
  /** Login and deploy user on every host. Default "deploy". @example "deploy" */
  user: text(/^[a-z_][a-z0-9_-]{0,31}$/, 'expected a Linux user name such as "deploy"').default("deploy"),
  /** sshd port on the hosts. Default 22. */
  port: Port.default(22),
  /**
   * Path to an OpenSSH private key, relative to the config file or absolute.
   * Default: SLIPWAY_SSH_KEY, else ~/.ssh/id_ed25519. @example "~/.ssh/deploy_ed25519"
   */
  privateKey: z.string({ error: 'expected a path such as "~/.ssh/id_ed25519"' }).min(1).optional(),
  /**
   * Server group (of count 1) used as a jump host for every other server, which then need no public
   * SSH at all. @example "bastion"
   */
  bastion: resourceName("server group", "bastion").optional(),
  /** More public keys allowed to log in as `user` (teammates, CI). Default []. */
  authorizedKeys: z
    .array(text(PUBLIC_KEY, 'expected an OpenSSH public key such as "ssh-ed25519 AAAAC3Nza… alice@laptop"'))
    .default([]),
});
export type Ssh = z.infer<typeof Ssh>;
