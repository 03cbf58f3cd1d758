/**
 * Finds cloud objects that carry a stack's ownership labels but are missing from its state — what a run
 * killed between an API call and its checkpoint leaves behind — and records them, so destroy removes
 * them too and nothing the stack made is ever orphaned.
 */
import type { StateStore } from "../../engine/state.ts";
import type { HetznerClient } from "./client.ts";
import { ensure } from "./errors.ts";
import { RESOURCE_LABEL, STACK_LABEL } from "./labels.ts";
import { fromApiServer, server } from "./server.ts";
import { fromApiSshKey, sshKey } from "./ssh-key.ts";

interface SweepTarget {
  stack: { name: string };
  state: StateStore;
  ctx: { hetzner: HetznerClient };
}

function addressFromLabel(kind: string, labels: Record<string, string>): string | null {
  const resource = labels[RESOURCE_LABEL];
  if (!resource) return null;
  const [, name] = resource.split(/\.(.*)/s, 2);
  return name ? `${kind}.${name}` : null;
}

export async function adoptUnrecorded({ stack, state, ctx }: SweepTarget): Promise<string[]> {
  const selector = `${STACK_LABEL}=${stack.name}`;
  const known = new Set(Object.values(state.document.resources).map((r) => `${r.kind}/${r.id}`));
  const adopted: string[] = [];
  const servers = ensure(
    await ctx.hetzner.GET("/servers", { params: { query: { label_selector: selector, per_page: 50 } } }),
    "list the stack's servers",
  ).servers;
  for (const found of servers) {
    const address = addressFromLabel(server.kind, found.labels);
    if (!address || known.has(`${server.kind}/${found.id}`) || state.resource(address)) continue;
    const hostKey = state.generated(address)?.hostKeyPublic ?? "";
    await state.set(address, {
      kind: server.kind,
      id: String(found.id),
      outputs: fromApiServer(found, hostKey),
      dependsOn: [],
    });
    adopted.push(address);
  }
  const keys = ensure(
    await ctx.hetzner.GET("/ssh_keys", { params: { query: { label_selector: selector, per_page: 50 } } }),
    "list the stack's SSH keys",
  ).ssh_keys;
  for (const found of keys) {
    const address = addressFromLabel(sshKey.kind, found.labels);
    if (!address || known.has(`${sshKey.kind}/${found.id}`) || state.resource(address)) continue;
    await state.set(address, {
      kind: sshKey.kind,
      id: String(found.id),
      outputs: fromApiSshKey(found, stack.name),
      dependsOn: [],
    });
    adopted.push(address);
  }
  return adopted;
}
