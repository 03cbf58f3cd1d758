// An in-memory cloud and resource kinds over it, for engine tests: the real ResourceKind contract with a Map as the cloud.
import { type PlannedStep, planChanges } from "../../../src/engine/plan.ts";
import { type AnyKind, change, type ResourceKind, type ResourceNode } from "../../../src/engine/resource.ts";
import { emptyState, type StateBackend, type StateDocument, StateStore } from "../../../src/engine/state.ts";

export interface Thing {
  name: string;
  size: number;
  /** Cannot change in place: a new zone means a new object. */
  zone?: string;
  running?: boolean;
}

export interface ObservedThing extends Thing {
  id: string;
}

/** Objects by id, a log of every call, and a count of operations in flight. */
export class MemoryCloud {
  readonly objects = new Map<string, ObservedThing>();
  readonly log: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private nextId = 1;

  add(thing: Thing): ObservedThing {
    const observed = { ...thing, id: `id-${this.nextId++}` };
    this.objects.set(observed.id, observed);
    return observed;
  }

  /** Counts an operation as in flight across a few event-loop turns, so concurrent ones overlap. */
  async busy<T>(what: string, work: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.log.push(`start ${what}`);
    try {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      return work();
    } finally {
      this.inFlight--;
      this.log.push(`end ${what}`);
    }
  }
}

export interface KindOptions {
  kind?: string;
  createBeforeDelete?: boolean;
  /** Support adoption by name (like a lookup by labels). */
  findByName?: boolean;
  /** Object names whose create throws. */
  failCreate?: ReadonlySet<string>;
  /** Object names whose delete throws. */
  failDelete?: ReadonlySet<string>;
  /** Hosts things only while `running` is true. */
  host?: boolean;
}

export function thingKind(cloud: MemoryCloud, options: KindOptions = {}): ResourceKind<Thing, ObservedThing> {
  const kind = options.kind ?? "memory.thing";
  return {
    kind,
    id: (thing) => thing.id,
    async read(_ctx, id) {
      cloud.log.push(`read ${id}`);
      const found = cloud.objects.get(id);
      return found ? { ...found } : null;
    },
    ...(options.findByName
      ? {
          async find(_ctx: unknown, want: Thing) {
            cloud.log.push(`find ${want.name}`);
            const found = [...cloud.objects.values()].find((o) => o.name === want.name);
            return found ? { ...found } : null;
          },
        }
      : {}),
    diff: (want, have) => [
      ...change("size", have.size, want.size),
      ...change("zone", have.zone, want.zone, { forcesReplace: true }),
      ...(want.running === undefined ? [] : change("running", have.running, want.running)),
    ],
    create: (_ctx, want) =>
      cloud.busy(`create ${want.name}`, () => {
        if (options.failCreate?.has(want.name)) throw new Error(`no capacity for ${want.name}`);
        return cloud.add(want);
      }),
    update: (_ctx, have, want) =>
      cloud.busy(`update ${want.name}`, () => {
        const updated = { ...have, size: want.size, running: want.running ?? have.running };
        cloud.objects.set(have.id, updated);
        return updated;
      }),
    delete: (_ctx, have) =>
      cloud.busy(`delete ${have.name}`, () => {
        if (options.failDelete?.has(have.name)) throw new Error(`${have.name} is still in use`);
        cloud.objects.delete(have.id);
      }),
    ...(options.host ? { canHost: (have: ObservedThing) => have.running === true } : {}),
    ...(options.createBeforeDelete ? { createBeforeDelete: true } : {}),
  };
}

export function node(
  kind: ResourceKind<Thing, ObservedThing>,
  name: string,
  input: Partial<Thing> = {},
  links: { dependsOn?: string[]; hostedOn?: string } = {},
): ResourceNode {
  const dependsOn = [...(links.dependsOn ?? []), ...(links.hostedOn ? [links.hostedOn] : [])];
  return {
    address: `${kind.kind}.${name}`,
    kind,
    name,
    input: { name, size: 1, ...input },
    dependsOn,
    hostedOn: links.hostedOn,
  };
}

/** A state document that knows `things` by address, as a previous run would have left it. */
export function stateWith(
  entries: Record<string, { thing: ObservedThing; kind?: string; dependsOn?: string[]; hostedOn?: string }>,
): StateDocument {
  const doc = emptyState("test");
  for (const [address, entry] of Object.entries(entries)) {
    doc.resources[address] = {
      kind: entry.kind ?? "memory.thing",
      id: entry.thing.id,
      outputs: entry.thing,
      dependsOn: entry.dependsOn ?? [],
      hostedOn: entry.hostedOn,
    };
  }
  return doc;
}

/** A backend that keeps a copy of every document written, in order. */
export class RecordingBackend implements StateBackend {
  readonly location = "memory";
  readonly written: StateDocument[] = [];

  async read(): Promise<StateDocument | null> {
    return this.written.at(-1) ?? null;
  }

  async write(doc: StateDocument): Promise<void> {
    this.written.push(structuredClone(doc));
  }
}

export function recordingStore(doc: StateDocument = emptyState("test")) {
  const backend = new RecordingBackend();
  return { backend, store: new StateStore(doc, backend) };
}

/** Plans `nodes` against `state`; kinds of state-only resources come from `kinds`. */
export function plan(
  nodes: ResourceNode[],
  state: StateDocument,
  kinds: AnyKind[] = [],
  observed = new Map(),
  targets?: string[],
) {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  for (const n of nodes) byKind.set(n.kind.kind, n.kind);
  return planChanges({ nodes, state, ctx: {}, observed, kinds: byKind, targets });
}

/** The parts of planned steps tests compare: address, action, reason, goesWithHost. */
export const summary = (steps: PlannedStep[]) =>
  steps.map((s) => [s.address, s.action, s.reason ?? "", s.goesWithHost ?? false] as const);
