/**
 * What slipway knows it owns: for each resource address, the id of the real object and what was last
 * observed of it. A versioned document (lineage names the stack's history, serial counts writes), saved
 * after every completed operation so a killed run loses at most the operation in flight, and that one
 * is found again by its deterministic name and labels.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Encryption } from "../secrets/keyring.ts";

export const StateResource = z.object({
  kind: z.string(),
  id: z.string(),
  outputs: z.unknown(),
  dependsOn: z.array(z.string()).default([]),
  hostedOn: z.string().optional(),
  /**
   * Objects this resource replaced (create-before-delete) that are not deleted yet, like Terraform's
   * "deposed" objects: the next plan deletes them, so a failed or interrupted delete leaves no orphan.
   */
  deposed: z.array(z.object({ id: z.string(), outputs: z.unknown() })).optional(),
});
export type StateResource = z.infer<typeof StateResource>;

export const StateDocument = z.object({
  version: z.literal(1),
  stack: z.string(),
  lineage: z.string(),
  serial: z.number().int().nonnegative(),
  resources: z.record(z.string(), StateResource),
  /** Values slipway generated and must keep (e.g. a server's SSH host key), by resource address. */
  generated: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** How sealed values (`slipway:v1:…`) in this document were encrypted; absent when none are. */
  encryption: Encryption.optional(),
});
export type StateDocument = z.infer<typeof StateDocument>;

export function emptyState(stack: string): StateDocument {
  return { version: 1, stack, lineage: randomUUID(), serial: 0, resources: {}, generated: {} };
}

export interface StateBackend {
  /** Where the state lives, for messages ("state saved in …"). */
  readonly location: string;
  read(): Promise<StateDocument | null>;
  write(doc: StateDocument): Promise<void>;
}

/**
 * The state of one run: changes are applied in memory and written through the backend one write at
 * a time, in order, each write with the next serial.
 */
export class StateStore {
  private writing: Promise<void> = Promise.resolve();
  /** The write that has not started yet: later changes ride along with it. */
  private queued: Promise<void> | undefined;
  private doc: StateDocument;
  private readonly backend: StateBackend;

  constructor(doc: StateDocument, backend: StateBackend) {
    this.doc = doc;
    this.backend = backend;
  }

  get document(): StateDocument {
    return this.doc;
  }

  get location(): string {
    return this.backend.location;
  }

  resource(address: string): StateResource | undefined {
    return this.doc.resources[address];
  }

  set(address: string, entry: StateResource): Promise<void> {
    this.doc = { ...this.doc, resources: { ...this.doc.resources, [address]: entry } };
    return this.checkpoint();
  }

  /** Forgets the resource; with `generated`, also the values generated for it (a final delete). */
  remove(address: string, options: { generated?: boolean } = {}): Promise<void> {
    const { [address]: _gone, ...rest } = this.doc.resources;
    const { [address]: _generated, ...generated } = this.doc.generated;
    this.doc = {
      ...this.doc,
      resources: rest,
      generated: options.generated ? generated : this.doc.generated,
    };
    return this.checkpoint();
  }

  /** Forgets a deposed object of `address` once it is deleted. */
  forgetDeposed(address: string, id: string): Promise<void> {
    const entry = this.doc.resources[address];
    if (!entry?.deposed?.some((d) => d.id === id)) return Promise.resolve();
    const deposed = entry.deposed.filter((d) => d.id !== id);
    const { deposed: _all, ...rest } = entry;
    const updated = deposed.length > 0 ? { ...rest, deposed } : rest;
    this.doc = { ...this.doc, resources: { ...this.doc.resources, [address]: updated } };
    return this.checkpoint();
  }

  generated(address: string): Record<string, string> | undefined {
    return this.doc.generated[address];
  }

  /** Records generated values before the operation that uses them, so a crash cannot lose them. */
  setGenerated(address: string, values: Record<string, string>): Promise<void> {
    this.doc = { ...this.doc, generated: { ...this.doc.generated, [address]: values } };
    return this.checkpoint();
  }

  private checkpoint(): Promise<void> {
    // Changes made while a write is in flight share the next write, which carries the whole document:
    // each caller still resolves only once its change is on the backend, but a burst of completions
    // costs one write instead of one each (a slow disk or S3 never becomes apply's bottleneck).
    if (this.queued) return this.queued;
    const next: Promise<void> = this.writing
      // A failed write is its caller's error; the next one still writes (the whole document, so it
      // carries the change that failed too) instead of failing with the old error.
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.doc = { ...this.doc, serial: this.doc.serial + 1 };
        return this.backend.write(this.doc);
      });
    this.queued = next;
    this.writing = next;
    return next;
  }
}
