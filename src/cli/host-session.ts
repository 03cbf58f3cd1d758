/**
 * What `slipway ssh` and `slipway exec` share: the stack's servers read from the cloud (only the servers,
 * by the ids in state: no plan, no host probes), so each can be reached with its pinned host key.
 */

import { UserError } from "../errors.ts";
import type { HostTarget } from "../hosts/ssh.ts";
import { type NamedServer, selectServers } from "../hosts/targets.ts";
import { serverInstances } from "../stack/resources.ts";
import type { Session } from "../stack/session.ts";

export async function reachableServers(
  session: Session,
  names: readonly string[],
  all: boolean,
): Promise<{ server: NamedServer; target: HostTarget }[]> {
  const known: NamedServer[] = serverInstances(session.stack).map((i) => ({
    name: i.name,
    group: i.group,
    address: i.address,
  }));
  const picked = selectServers(known, names, all);
  // The bastion is needed to reach the others, whether or not it was picked.
  const bastion = session.stack.ssh.bastion ? [`hetzner.server.${session.stack.ssh.bastion}`] : [];
  const toRead = [...new Set([...picked.map((s) => s.address), ...bastion])];
  await Promise.all(
    toRead.map(async (address) => {
      const node = session.nodes.find((n) => n.address === address);
      const entry = session.state.document.resources[address];
      const have = node && entry ? await node.kind.read(session.ctx, entry.id, node.input) : null;
      if (have) session.observed.set(address, have);
    }),
  );
  return picked.map((server) => {
    if (!session.observed.has(server.address)) {
      throw new UserError(`server ${server.name} does not exist`, { hint: "Run slipway up to create it." });
    }
    return {
      server,
      target: session.ctx.hosts.target({ server: server.address, user: session.stack.ssh.user }),
    };
  });
}
