/**
 * hetzner.firewall: a named set of inbound/outbound allow rules, applied to servers and label selectors.
 * Hetzner rules are allow-only, so their order carries no meaning: they are compared as a set, with
 * their address lists as sets too. Rules are written all at once with set_rules; targets are added and
 * removed one by one; name and labels by PUT. Nothing forces a replace. Hetzner refuses to delete a
 * firewall that is still applied, so delete removes it from every target first.
 */
import { canonicalJson, change, type ResourceKind } from "../../engine/resource.ts";
import { waitForActions } from "./actions.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { ownershipSelector } from "./labels.ts";

export interface FirewallRule {
  direction: "in" | "out";
  protocol: "tcp" | "udp" | "icmp" | "esp" | "gre";
  /** "443" or "8000-8100" for tcp and udp; null for the other protocols. */
  port: string | null;
  /** CIDRs allowed to connect (in rules). */
  sourceIps: string[];
  /** CIDRs the servers may connect to (out rules). */
  destinationIps: string[];
  description: string | null;
}

export type FirewallTarget = { server: number } | { labelSelector: string };

export interface FirewallInput {
  name: string;
  labels: Record<string, string>;
  rules: FirewallRule[];
  applyTo: FirewallTarget[];
}

export interface ObservedFirewall {
  id: number;
  name: string;
  labels: Record<string, string>;
  rules: FirewallRule[];
  applyTo: FirewallTarget[];
}

interface ApiFirewall {
  id: number;
  name: string;
  labels?: Record<string, string>;
  rules: {
    direction: "in" | "out";
    protocol: FirewallRule["protocol"];
    port?: string | null;
    source_ips?: string[];
    destination_ips?: string[];
    description?: string | null;
  }[];
  applied_to: { type: string; server?: { id: number }; label_selector?: { selector: string } }[];
}

export function fromApiFirewall(fw: ApiFirewall): ObservedFirewall {
  return {
    id: fw.id,
    name: fw.name,
    labels: fw.labels ?? {},
    rules: fw.rules.map((r) => ({
      direction: r.direction,
      protocol: r.protocol,
      port: r.port ?? null,
      sourceIps: r.source_ips ?? [],
      destinationIps: r.destination_ips ?? [],
      description: r.description ?? null,
    })),
    applyTo: fw.applied_to.flatMap((t): FirewallTarget[] => {
      if (t.type === "server" && t.server) return [{ server: t.server.id }];
      if (t.type === "label_selector" && t.label_selector)
        return [{ labelSelector: t.label_selector.selector }];
      return [];
    }),
  };
}

export function toApiRule(r: FirewallRule) {
  return {
    direction: r.direction,
    protocol: r.protocol,
    ...(r.port === null ? {} : { port: r.port }),
    ...(r.direction === "in" ? { source_ips: r.sourceIps } : { destination_ips: r.destinationIps }),
    description: r.description,
  };
}

export function toApiTarget(t: FirewallTarget) {
  return "server" in t
    ? { type: "server" as const, server: { id: t.server } }
    : { type: "label_selector" as const, label_selector: { selector: t.labelSelector } };
}

/** Rules as sorted canonical strings: order of rules and of their addresses carries no meaning. */
export function canonicalRules(rules: readonly FirewallRule[]): string[] {
  return rules
    .map((r) =>
      canonicalJson({
        ...r,
        sourceIps: [...r.sourceIps].sort(),
        destinationIps: [...r.destinationIps].sort(),
      }),
    )
    .sort();
}

export function targetKeys(targets: readonly FirewallTarget[]): string[] {
  return targets.map((t) => canonicalJson(t)).sort();
}

function difference(a: readonly FirewallTarget[], b: readonly FirewallTarget[]): FirewallTarget[] {
  const keys = new Set(targetKeys(b));
  return a.filter((t) => !keys.has(canonicalJson(t)));
}

type Ctx = { hetzner: HetznerClient };

async function getFirewall({ hetzner }: Ctx, id: number): Promise<ObservedFirewall | null> {
  const result = await hetzner.GET("/firewalls/{id}", { params: { path: { id } } });
  if (isNotFound(result)) return null;
  return fromApiFirewall(ensure(result, `read firewall ${id}`).firewall);
}

async function removeFrom(ctx: Ctx, id: number, targets: readonly FirewallTarget[], doing: string) {
  if (targets.length === 0) return;
  const result = await ctx.hetzner.POST("/firewalls/{id}/actions/remove_from_resources", {
    params: { path: { id } },
    body: { remove_from: targets.map(toApiTarget) },
  });
  await waitForActions(ctx.hetzner, ensure(result, doing).actions, doing);
}

export const firewall: ResourceKind<FirewallInput, ObservedFirewall, Ctx> = {
  kind: "hetzner.firewall",
  id: (fw) => String(fw.id),

  read: (ctx, id) => getFirewall(ctx, Number(id)),

  async find(ctx, want) {
    const result = await ctx.hetzner.GET("/firewalls", {
      params: { query: { label_selector: ownershipSelector(want.labels) } },
    });
    const [found] = ensure(result, `look up firewall ${want.name}`).firewalls;
    return found ? fromApiFirewall(found) : null;
  },

  diff(want, have) {
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("rules", canonicalRules(have.rules), canonicalRules(want.rules)),
      ...change("applyTo", targetKeys(have.applyTo), targetKeys(want.applyTo)),
    ];
  },

  describe: (want) => ({
    name: want.name,
    rules: want.rules.length,
    applyTo: want.applyTo,
    labels: want.labels,
  }),

  async create(ctx, want) {
    const doing = `create firewall ${want.name}`;
    const result = await ctx.hetzner.POST("/firewalls", {
      body: {
        name: want.name,
        labels: want.labels,
        rules: want.rules.map(toApiRule),
        apply_to: want.applyTo.map(toApiTarget),
      },
    });
    const created = ensure(result, doing);
    await waitForActions(ctx.hetzner, created.actions ?? [], doing);
    if (!created.firewall) throw new Error(`${doing} returned no firewall`);
    const observed = await getFirewall(ctx, created.firewall.id);
    if (!observed) throw new Error(`firewall ${want.name} vanished right after it was created`);
    return observed;
  },

  async update(ctx, have, want, changes) {
    const changed = new Set(changes.map((c) => c.path));
    const path = { params: { path: { id: have.id } } };
    if (changed.has("name") || changed.has("labels")) {
      const result = await ctx.hetzner.PUT("/firewalls/{id}", {
        ...path,
        body: { name: want.name, labels: want.labels },
      });
      ensure(result, `update firewall ${have.name}`);
    }
    if (changed.has("rules")) {
      const doing = `set rules of firewall ${want.name}`;
      const result = await ctx.hetzner.POST("/firewalls/{id}/actions/set_rules", {
        ...path,
        body: { rules: want.rules.map(toApiRule) },
      });
      await waitForActions(ctx.hetzner, ensure(result, doing).actions, doing);
    }
    if (changed.has("applyTo")) {
      await removeFrom(ctx, have.id, difference(have.applyTo, want.applyTo), `remove firewall ${want.name}`);
      const added = difference(want.applyTo, have.applyTo);
      if (added.length > 0) {
        const doing = `apply firewall ${want.name}`;
        const result = await ctx.hetzner.POST("/firewalls/{id}/actions/apply_to_resources", {
          ...path,
          body: { apply_to: added.map(toApiTarget) },
        });
        await waitForActions(ctx.hetzner, ensure(result, doing).actions, doing);
      }
    }
    const final = await getFirewall(ctx, have.id);
    if (!final) throw new Error(`firewall ${want.name} vanished while it was being updated`);
    return final;
  },

  async delete(ctx, have) {
    const current = await getFirewall(ctx, have.id);
    if (!current) return;
    await removeFrom(ctx, have.id, current.applyTo, `remove firewall ${have.name} before deleting it`);
    const result = await ctx.hetzner.DELETE("/firewalls/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    if (!result.response.ok) ensure({ ...result, data: undefined }, `delete firewall ${have.name}`);
  },
};
