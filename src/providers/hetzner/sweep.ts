/**
 * Finds cloud objects that carry a stack's ownership labels but are missing from its state — what a run
 * killed between an API call and its checkpoint leaves behind — and records them, so destroy removes
 * them too and nothing the stack made is ever orphaned.
 */
import type { StateStore } from "../../engine/state.ts";
import type { HetznerClient } from "./client.ts";
import { ensure } from "./errors.ts";
import { RESOURCE_LABEL, STACK_LABEL } from "./labels.ts";
import { listAll } from "./pagination.ts";
import { fromApiServer, server } from "./server.ts";
import { fromApiSshKey, sshKey } from "./ssh-key.ts";

interface SweepTarget {
  stack: { name: string };
  state: StateStore;
  ctx: { hetzner: HetznerClient };
}

/** "server.web" (the slipway/resource label) → "hetzner.server.web". */
function addressFromLabel(kind: string, labels: Record<string, string>): string | null {
  const [, name] = (labels[RESOURCE_LABEL] ?? "").split(/\.(.*)/s, 2);
  return name ? `${kind}.${name}` : null;
}

export async function adoptUnrecorded({ stack, state, ctx }: SweepTarget): Promise<string[]> {
  const label_selector = `${STACK_LABEL}=${stack.name}`;
  const known = new Set(Object.values(state.document.resources).map((r) => `${r.kind}/${r.id}`));
  const adopted: string[] = [];
  const adopt = async (
    kind: string,
    found: { id: number; labels: Record<string, string> },
    outputs: unknown,
  ) => {
    const address = addressFromLabel(kind, found.labels);
    if (!address || known.has(`${kind}/${found.id}`) || state.resource(address)) return;
    await state.set(address, { kind, id: String(found.id), outputs, dependsOn: [] });
    adopted.push(address);
  };

  const servers = await listAll(async (page) => {
    const query = { label_selector, page, per_page: 50 };
    const data = ensure(await ctx.hetzner.GET("/servers", { params: { query } }), "list the stack's servers");
    return { items: data.servers, nextPage: data.meta.pagination.next_page };
  });
  for (const found of servers) {
    const address = addressFromLabel(server.kind, found.labels);
    const hostKey = (address && state.generated(address)?.hostKeyPublic) || "";
    await adopt(server.kind, found, fromApiServer(found, hostKey));
  }

  const keys = await listAll(async (page) => {
    const query = { label_selector, page, per_page: 50 };
    const data = ensure(
      await ctx.hetzner.GET("/ssh_keys", { params: { query } }),
      "list the stack's SSH keys",
    );
    return { items: data.ssh_keys, nextPage: data.meta.pagination.next_page };
  });
  for (const found of keys) await adopt(sshKey.kind, found, fromApiSshKey(found, stack.name));
  return adopted;
}
