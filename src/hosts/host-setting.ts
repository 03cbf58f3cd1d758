/**
 * The shape shared by every setting slipway manages on a host (sshd, UFW, fail2ban, ...): a probe script
 * whose `key=value` output is parsed into what the host has, a pure diff, and an apply script that brings
 * the host to what the stack wants. `hostSetting` turns one into a ResourceKind. Applying runs alone on
 * its server (apt and service restarts do not mix), after cloud-init finished, and is checked by probing
 * again: a setting that still differs afterwards fails loudly instead of showing up as drift next time.
 */
import { type Change, type ResourceKind, sameValue } from "../engine/resource.ts";
import { asRoot, type HostConnector, type HostRef } from "./connector.ts";
import { WAIT_FOR_CLOUD_INIT } from "./docker-engine.ts";
import { parseProbe, rootScript } from "./shell.ts";
import type { SshConnection } from "./ssh.ts";

export type HostCtx = { hosts: HostConnector };

/** Observed host settings keep server and user, so an orphan in state can still be read and removed. */
export interface ObservedOnHost {
  server: string;
  user: string;
}

export interface HostSetting<Input extends HostRef, Observed extends ObservedOnHost> {
  kind: string;
  /** Script (run as root) printing `key=value` lines about the host. */
  probe(want: Input): string;
  /** What the probe found; null when nothing of this setting is on the host. */
  parse(fields: Map<string, string>, want: Input): Observed | null;
  diff(want: Input, have: Observed): Change[];
  /** Script (run as root) that makes the host match `want`. */
  apply(want: Input, have: Observed | null): string;
  /** Script (run as root) that takes the setting off the host when the stack stops asking for it. */
  remove?(have: Observed): string;
  /** Runs after apply, before the check: e.g. proves a fresh SSH login still works, or undoes and throws. */
  verify?(ctx: HostCtx, want: Input, ssh: SshConnection): Promise<void>;
  describe?(want: Input): Record<string, unknown>;
  timeoutMs?: number;
}

async function probe<Input extends HostRef, Observed extends ObservedOnHost>(
  setting: HostSetting<Input, Observed>,
  ctx: HostCtx,
  want: Input,
): Promise<Observed | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const stdout = await ssh.run(asRoot(want.user, rootScript(setting.probe(want))), `probing ${setting.kind}`);
  return setting.parse(parseProbe(stdout), want);
}

export function hostSetting<Input extends HostRef, Observed extends ObservedOnHost>(
  setting: HostSetting<Input, Observed>,
): ResourceKind<Input, Observed, HostCtx> {
  const apply = (ctx: HostCtx, want: Input, have: Observed | null) =>
    ctx.hosts.exclusive(want, async () => {
      const ssh = await ctx.hosts.connect(want);
      await ssh.run(WAIT_FOR_CLOUD_INIT, "waiting for cloud-init to finish");
      await ssh.run(asRoot(want.user, rootScript(setting.apply(want, have))), `applying ${setting.kind}`, {
        timeoutMs: setting.timeoutMs ?? 15 * 60_000,
      });
      await setting.verify?.(ctx, want, ssh);
      const now = await probe(setting, ctx, want);
      const left = now ? setting.diff(want, now) : [{ path: "present", from: false, to: true }];
      if (left.length > 0) {
        const what = left.map((c) => `${c.path} is ${JSON.stringify(c.from)}`).join(", ");
        throw new Error(`${setting.kind} on ${ssh.target.name}: after applying, ${what} (wanted otherwise)`);
      }
      return now as Observed;
    });

  return {
    kind: setting.kind,
    id: (observed) => observed.server,
    read: (ctx, _id, want) => probe(setting, ctx, want),
    find: (ctx, want) => probe(setting, ctx, want),
    diff: (want, have) => setting.diff(want, have),
    describe: setting.describe,
    create: (ctx, want) => apply(ctx, want, null),
    update: (ctx, have, want) => apply(ctx, want, have),
    async delete(ctx, have) {
      if (!setting.remove || !ctx.hosts.server(have)) return;
      const ssh = await ctx.hosts.connect(have);
      await ctx.hosts.exclusive(have, () =>
        ssh.run(asRoot(have.user, rootScript(setting.remove!(have))), `removing ${setting.kind}`),
      );
    },
  };
}

/** One change per field of `want` whose observed value differs (fields compared as canonical JSON). */
export function fieldChanges<T extends Record<string, unknown>>(
  have: Partial<T>,
  want: T,
  label: (field: string) => string = (f) => f,
): Change[] {
  return Object.keys(want).flatMap((field) =>
    sameValue(have[field], want[field])
      ? []
      : [{ path: label(field), from: have[field] ?? null, to: want[field], forcesReplace: false }],
  );
}
