/**
 * `slipway import ADDRESS ID`: adopts an object that exists in the cloud but not in state (made by hand,
 * or by another tool) under one of the stack's addresses, after reading it, so the next plan updates it
 * instead of creating a duplicate. Only cloud objects can be imported: host settings and releases are
 * read from their server anyway, and a server's SSH host key is installed at creation by slipway, so a
 * server made elsewhere could not be verified on connect.
 */
import { resolveRefs } from "../engine/refs.ts";
import type { ResourceNode } from "../engine/resource.ts";
import { UsageError, UserError } from "../errors.ts";
import { closest } from "../util/closest.ts";
import type { Session } from "./session.ts";

const NOT_IMPORTABLE = ["hetzner.server", "hetzner.sshKey"];

export function importableNode(nodes: readonly ResourceNode[], addressArg: string): ResourceNode {
  const node = nodes.find((n) => n.address === addressArg);
  if (!node) {
    const guess = closest(
      addressArg,
      nodes.map((n) => n.address),
    );
    throw new UsageError(
      `ADDRESS: no resource "${addressArg}" in the stack${guess ? `; did you mean "${guess}"?` : ""}`,
      { hint: "Addresses are as `slipway plan` prints them, e.g. hetzner.network.main." },
    );
  }
  if (node.hostedOn || node.kind.kind.startsWith("host.") || node.kind.kind.startsWith("service.")) {
    throw new UsageError(`ADDRESS: ${addressArg} lives on a server and is not imported`, {
      hint: "Import the cloud objects; `slipway up` reads and sets up what runs on the servers.",
    });
  }
  if (NOT_IMPORTABLE.includes(node.kind.kind)) {
    throw new UsageError(`ADDRESS: ${node.kind.kind} resources cannot be imported`, {
      hint:
        node.kind.kind === "hetzner.server"
          ? "slipway installs each server's SSH host key when it creates it, so it could not verify a server made elsewhere. Let `slipway up` create it."
          : "slipway finds its deploy key by content; `slipway up` adopts an existing one.",
    });
  }
  return node;
}

/** Reads the object and records it in state; returns what was read. */
export async function importResource(session: Session, addressArg: string, id: string): Promise<unknown> {
  const node = importableNode(session.nodes, addressArg);
  const known = session.state.resource(node.address);
  if (known) {
    throw new UsageError(`ADDRESS: ${node.address} is already in state (id ${known.id})`, {
      hint: "Nothing to import. To adopt another object, destroy or forget the current one first.",
    });
  }
  const want = resolveRefs(node.input, (a) => session.state.resource(a)?.outputs);
  const have = await node.kind.read(session.ctx, id, want);
  if (have === null) {
    throw new UserError(`no ${node.kind.kind} with id ${id} exists`, {
      hint: "Check the id in the provider's console or API (for buckets, the bucket name).",
    });
  }
  await session.state.set(node.address, {
    kind: node.kind.kind,
    id: node.kind.id(have),
    outputs: have,
    dependsOn: [...node.dependsOn],
    hostedOn: node.hostedOn,
  });
  return have;
}
