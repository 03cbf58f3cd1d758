/**
 * Planning: observe every resource the stack wants or state knows (refresh), then compare (pure).
 * A resource is read once its dependencies are planned; a resource whose server will be created or replaced is
 * not read at all: it will be created afresh on the new server. Resources in state that the stack no
 * longer wants are deleted, dependents first.
 */
import { errorMessage, UsageError, UserError } from "../errors.ts";
import { closest } from "../util/closest.ts";
import { topologicalOrder } from "./graph.ts";
import { refAddresses, resolveRefs } from "./refs.ts";
import type { AnyKind, Change, ResourceNode } from "./resource.ts";
import type { StateDocument } from "./state.ts";

export type Action = "create" | "update" | "replace" | "delete" | "noop";

export interface PlannedStep {
  address: string;
  kind: AnyKind;
  action: Action;
  /** Field changes for update/replace. */
  changes: Change[];
  /** The wanted input (create/update/replace), refs resolved as far as planning knows them. */
  want: unknown;
  /** The input with its refs, when it has any: apply resolves them again once dependencies ran. */
  input?: unknown;
  /** What was observed (update/replace/delete/noop). */
  have: unknown;
  dependsOn: readonly string[];
  hostedOn?: string;
  /** Why, when not obvious: "deleted outside slipway", "its server is replaced", "adopted". */
  reason?: string;
  /** Deleted together with its server: nothing to do but forget it. */
  goesWithHost?: boolean;
  /** Found by its deterministic name although state did not know it: apply records it. */
  adopted?: boolean;
  /** For the delete of a deposed object (left by a create-before-delete replace): its resource. */
  deposedOf?: string;
}

export interface Plan {
  steps: PlannedStep[];
  /** Unwanted resources state knows that are already gone (deleted outside slipway): apply forgets them. */
  forget?: string[];
}

export function pendingSteps(plan: Plan): PlannedStep[] {
  return plan.steps.filter((s) => s.action !== "noop");
}

/** Whether apply has anything to do: changes, or adopted objects to record in state. */
export function hasWork(plan: Plan): boolean {
  return plan.steps.some((s) => s.action !== "noop" || s.adopted) || (plan.forget?.length ?? 0) > 0;
}

export interface ReadResult {
  have: unknown | null;
  adopted: boolean;
}

export class ReadError extends Error {
  readonly address: string;
  constructor(address: string, cause: unknown) {
    super(`reading ${address}: ${errorMessage(cause)}`, { cause });
    this.address = address;
  }
}

/** Observes one wanted resource: by its id in state, else by its deterministic name (adoption). */
async function observe(ctx: unknown, node: ResourceNode, state: StateDocument): Promise<ReadResult> {
  const known = state.resources[node.address];
  try {
    if (known) {
      const have = await node.kind.read(ctx, known.id, node.input);
      if (have !== null) return { have, adopted: false };
    }
    const found = node.kind.find ? await node.kind.find(ctx, node.input) : null;
    return { have: found, adopted: found !== null && !known };
  } catch (error) {
    throw readError(node.address, error);
  }
}

/** A read that failed for a reason the user can act on stays a UserError; anything else is a bug. */
function readError(address: string, error: unknown): Error {
  if (error instanceof UserError) {
    return new UserError(`reading ${address}: ${error.message}`, { hint: error.hint, cause: error });
  }
  return new ReadError(address, error);
}

export async function planChanges(options: {
  nodes: readonly ResourceNode[];
  state: StateDocument;
  /** Context handed to kinds; it may consult `observed` to reach dependencies (a server's address). */
  ctx: unknown;
  /** Filled as resources are read, so later reads can use what earlier ones found. */
  observed: Map<string, unknown>;
  kinds: ReadonlyMap<string, AnyKind>;
  /** Plan only these addresses and what they depend on (`--target`); orphans only if named. */
  targets?: readonly string[];
}): Promise<Plan> {
  const { state, ctx, observed } = options;
  const scope = options.targets?.length ? selectTargets(options.nodes, state, options.targets) : undefined;
  const nodes = scope ? options.nodes.filter((n) => scope.nodes.has(n.address)) : options.nodes;
  const steps = new Map<string, PlannedStep>();
  checkRefs(nodes);
  const order = topologicalOrder(nodes);
  // Each node is read as soon as what its read needs is planned (see readsAfter), concurrently with
  // everything else that is ready: one slow read delays only what needs it.
  const planned = new Map<string, Promise<void>>();
  const byAddress = new Map(nodes.map((n) => [n.address, n]));
  for (const node of order) {
    const dependencies = readsAfter(node, byAddress).map((d) => {
      const before = planned.get(d);
      if (!before) throw new Error(`${node.address} is read after ${d}, which it does not depend on`);
      return before;
    });
    planned.set(
      node.address,
      Promise.all(dependencies).then(async () => {
        steps.set(node.address, await planNode(ctx, node, state, steps, observed));
      }),
    );
  }
  await Promise.all(planned.values());
  const wanted = new Set(options.nodes.map((n) => n.address));
  const orphans = Object.entries(state.resources).filter(
    ([addr]) => !wanted.has(addr) && (!scope || scope.orphans.has(addr)),
  );
  const forget: string[] = [];
  const deletions = await Promise.all(
    orphans.map(async ([addr, entry]): Promise<PlannedStep | null> => {
      const kind = options.kinds.get(entry.kind);
      if (!kind) throw new ReadError(addr, new Error(`unknown resource kind ${entry.kind} in state`));
      const hostGoes = entry.hostedOn !== undefined && !wanted.has(entry.hostedOn);
      const have = hostGoes ? entry.outputs : await readOrphan(ctx, kind, addr, entry.id, entry.outputs);
      if (have === null) {
        forget.push(addr); // already gone: apply just forgets it
        return null;
      }
      return {
        address: addr,
        kind,
        action: "delete",
        changes: [],
        want: null,
        have,
        dependsOn: entry.dependsOn,
        hostedOn: entry.hostedOn,
        goesWithHost: hostGoes,
        ...(kind.deleteNote?.(have) ? { reason: kind.deleteNote(have) } : {}),
      };
    }),
  );
  const deleteSteps = [
    ...deletions.filter((s): s is PlannedStep => s !== null),
    ...deposedSteps(state, options.kinds, scope && new Set([...scope.nodes, ...scope.orphans])),
  ];
  return {
    steps: [...order.map((n) => steps.get(n.address)!), ...reverseOrder(deleteSteps)],
    ...(forget.length > 0 ? { forget: forget.sort() } : {}),
  };
}

/**
 * What `--target` plans, as Terraform does: each named resource and everything it depends on; a named
 * resource that only state knows (to be deleted) brings the state-only resources that depend on it,
 * since they must go first. An address nobody knows is a usage error with a suggestion.
 */
export function selectTargets(
  nodes: readonly ResourceNode[],
  state: StateDocument,
  targets: readonly string[],
): { nodes: Set<string>; orphans: Set<string> } {
  const byAddress = new Map(nodes.map((n) => [n.address, n]));
  const known = [...new Set([...byAddress.keys(), ...Object.keys(state.resources)])];
  const unknown = targets.filter((t) => !byAddress.has(t) && !state.resources[t]);
  if (unknown.length > 0) {
    const lines = unknown.map((t) => {
      const guess = closest(t, known);
      return `--target: no resource "${t}" in the stack or its state${guess ? `; did you mean "${guess}"?` : ""}`;
    });
    throw new UsageError(lines.join("\n"), {
      hint: "Targets are resource addresses as `slipway plan` prints them, e.g. hetzner.server.web.",
    });
  }
  const selected = new Set<string>();
  const visit = (addr: string) => {
    if (selected.has(addr)) return;
    selected.add(addr);
    const node = byAddress.get(addr)!;
    for (const dep of node.dependsOn) if (byAddress.has(dep)) visit(dep);
    if (node.hostedOn && byAddress.has(node.hostedOn)) visit(node.hostedOn);
  };
  for (const t of targets) if (byAddress.has(t)) visit(t);
  const orphans = new Set(targets.filter((t) => !byAddress.has(t)));
  // Dependents of a deleted target go first, so they are part of the plan.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [addr, entry] of Object.entries(state.resources)) {
      if (byAddress.has(addr) || orphans.has(addr)) continue;
      if (entry.dependsOn.some((d) => orphans.has(d)) || (entry.hostedOn && orphans.has(entry.hostedOn))) {
        orphans.add(addr);
        grew = true;
      }
    }
  }
  return { nodes: selected, orphans };
}

async function readOrphan(ctx: unknown, kind: AnyKind, addr: string, id: string, outputs: unknown) {
  try {
    return await kind.read(ctx, id, outputs);
  } catch (error) {
    throw readError(addr, error);
  }
}

/** A ref must point at a dependency, or planning could read it before its value exists. */
/**
 * What reading a node needs planned first: its host (to reach it, and to know whether it exists), the
 * resources it takes values from, servers it depends on (a bastion to connect through) and the hosts
 * of its dependencies (a swarm service reads gateways on its members). Its other dependencies order
 * only the apply: a release is read while its proxy is, not after.
 */
export function readsAfter(node: ResourceNode, byAddress: ReadonlyMap<string, ResourceNode>): string[] {
  const need = new Set<string>(refAddresses(node.input));
  if (node.hostedOn) need.add(node.hostedOn);
  for (const address of node.dependsOn) {
    const dependency = byAddress.get(address);
    if (dependency?.kind.canHost) need.add(address);
    if (dependency?.hostedOn) need.add(dependency.hostedOn);
  }
  return [...need].filter((a) => byAddress.has(a) && a !== node.address);
}

function checkRefs(nodes: readonly ResourceNode[]): void {
  for (const node of nodes) {
    const allowed = new Set([...node.dependsOn, ...(node.hostedOn ? [node.hostedOn] : [])]);
    const stray = refAddresses(node.input).filter((a) => !allowed.has(a));
    if (stray.length > 0)
      throw new Error(`${node.address} takes values from ${stray.join(", ")} without depending on it`);
  }
}

/**
 * Deletes of objects a create-before-delete replace left behind (deleting is idempotent, so there is
 * no need to read them first). Each goes before its resource's own delete, if that is planned too.
 */
function deposedSteps(
  state: StateDocument,
  kinds: ReadonlyMap<string, AnyKind>,
  scope: Set<string> | undefined,
): PlannedStep[] {
  return Object.entries(state.resources).flatMap(([address, entry]) => {
    if (!entry.deposed?.length || (scope && !scope.has(address))) return [];
    const kind = kinds.get(entry.kind);
    if (!kind) throw new ReadError(address, new Error(`unknown resource kind ${entry.kind} in state`));
    return entry.deposed.map(
      (old): PlannedStep => ({
        address: `${address} (deposed ${old.id})`,
        kind,
        action: "delete",
        changes: [],
        want: null,
        have: old.outputs,
        dependsOn: [address],
        reason: "replaced earlier; the old object was not deleted yet",
        deposedOf: address,
      }),
    );
  });
}

/** Deletes run dependents first: reverse of the dependency order among the deleted. */
function reverseOrder(steps: PlannedStep[]): PlannedStep[] {
  const present = new Set(steps.map((s) => s.address));
  const graph = steps.map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => present.has(d)) }));
  return topologicalOrder(graph).reverse();
}

async function planNode(
  ctx: unknown,
  node: ResourceNode,
  state: StateDocument,
  steps: Map<string, PlannedStep>,
  observed: Map<string, unknown>,
): Promise<PlannedStep> {
  // A dependency that is yet to be created or replaced has no outputs to take values from.
  const want = resolveRefs(node.input, (addr) => {
    const dependency = steps.get(addr);
    if (!dependency || dependency.action === "create" || dependency.action === "replace") return undefined;
    return observed.get(addr) ?? dependency.have ?? undefined;
  });
  const base = {
    address: node.address,
    kind: node.kind,
    want,
    ...(want !== node.input ? { input: node.input } : {}),
    dependsOn: node.dependsOn,
    hostedOn: node.hostedOn,
  };
  const host = node.hostedOn ? steps.get(node.hostedOn) : undefined;
  if (host && (host.action === "create" || host.action === "replace")) {
    const reason = host.action === "replace" ? "its server is replaced" : undefined;
    return { ...base, action: "create", changes: [], have: null, reason };
  }
  if (host?.have && host.kind.canHost && !host.kind.canHost(host.have)) {
    return {
      ...base,
      action: "create",
      changes: [],
      have: null,
      reason: "its server is not running; set up once it is",
    };
  }
  const { have, adopted } = await observe(ctx, { ...node, input: want }, state);
  if (have === null) {
    const reason = state.resources[node.address] ? "deleted outside slipway" : undefined;
    return { ...base, action: "create", changes: [], have: null, reason };
  }
  observed.set(node.address, have);
  const changes = node.kind.diff(want, have);
  const reason = adopted ? "found by name and adopted" : undefined;
  if (changes.length === 0) return { ...base, action: "noop", changes, have, reason, adopted };
  const action = changes.some((c) => c.forcesReplace) ? "replace" : "update";
  return { ...base, action, changes, have, reason, adopted };
}
