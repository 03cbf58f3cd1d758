/**
 * The contract every resource kind implements, whatever it manages: a cloud object, a setting on a
 * host, or a release of a service. It follows Pulumi's dynamic ResourceProvider and Terraform's plugin
 * framework: `read` observes reality (null = gone), `diff` is pure, `create` either creates or throws,
 * `delete` treats "already gone" as done. The engine knows kinds only through this interface.
 */

export interface Change {
  /** Dotted field path, e.g. "labels" or "healthcheck.path". */
  path: string;
  from: unknown;
  to: unknown;
  /** The cloud cannot change this in place: the object is replaced. */
  forcesReplace: boolean;
  /** Shown as (sensitive) in plans and logs. */
  sensitive?: boolean;
}

export interface ResourceKind<Input = unknown, Observed = unknown, Ctx = unknown> {
  /** "provider.thing", e.g. "hetzner.server", "host.docker", "service.release". */
  readonly kind: string;
  /** Stable id of an observed object, recorded in state (a Hetzner id, a container name, ...). */
  id(observed: Observed): string;
  /** Observes the object with this id; null when it no longer exists. */
  read(ctx: Ctx, id: string, want: Input): Promise<Observed | null>;
  /**
   * Finds the object by the deterministic name and labels `create` gives it, when state has no id
   * (a run killed between the API call and the checkpoint). Found objects are adopted, not duplicated.
   */
  find?(ctx: Ctx, want: Input): Promise<Observed | null>;
  /** Pure: what differs between the wanted input and the observed object; [] means in sync. */
  diff(want: Input, have: Observed): Change[];
  create(ctx: Ctx, want: Input): Promise<Observed>;
  update(ctx: Ctx, have: Observed, want: Input, changes: Change[]): Promise<Observed>;
  delete(ctx: Ctx, have: Observed): Promise<void>;
  /** Fields of the input shown in plans when the object is created (default: every top-level field). */
  describe?(want: Input): Record<string, unknown>;
  /**
   * For kinds that host others (a server): whether resources on it can be reached now. When false,
   * hosted resources are not read; they are planned for creation, which host kinds make idempotent.
   */
  canHost?(observed: Observed): boolean;
  /** What a delete will really do when it is not a plain delete (a bucket kept on destroy), shown in plans. */
  deleteNote?(have: Observed): string | undefined;
  /** Create the replacement before deleting the original (default false: names are often unique). */
  readonly createBeforeDelete?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: kinds are heterogeneous; each checks its own types.
export type AnyKind = ResourceKind<any, any, any>;

/** One resource the stack wants: a kind, a stable logical name and the inputs it should have. */
export interface ResourceNode {
  /** `${kind}.${name}`: unique in the stack, the key in state and plans. */
  readonly address: string;
  readonly kind: AnyKind;
  readonly name: string;
  readonly input: unknown;
  /** Addresses this one needs to exist first. */
  readonly dependsOn: readonly string[];
  /**
   * The server this resource lives on. When that server is created or replaced, this resource is
   * created afresh on it; when the server is deleted, this resource goes with it (no separate delete).
   */
  readonly hostedOn?: string;
}

export function address(kind: string, name: string): string {
  return `${kind}.${name}`;
}

/** Compares canonical forms (JSON with sorted keys), so key order never shows as a change. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** One Change if the field differs, none otherwise: `[...change("name", have.name, want.name)]`. */
export function change(
  path: string,
  from: unknown,
  to: unknown,
  options: { forcesReplace?: boolean; sensitive?: boolean } = {},
): Change[] {
  if (sameValue(from, to)) return [];
  return [{ path, from, to, forcesReplace: options.forcesReplace ?? false, sensitive: options.sensitive }];
}
