/**
 * hetzner.network: a private network with cloud subnets and static routes. Subnets and routes change in
 * place through their actions, compared as sets (their order means nothing). The range can only grow
 * from the same first address (change_ip_range); any other new range replaces the network. Deleting it
 * detaches its servers, which Hetzner does by itself.
 */
import { change, type ResourceKind } from "../../engine/resource.ts";
import { parseCidr } from "../../util/cidr.ts";
import { type ActionRef, waitForActions } from "./actions.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { ownershipSelector } from "./labels.ts";

export interface NetworkRoute {
  destination: string;
  gateway: string;
}

export interface NetworkInput {
  name: string;
  /** RFC 1918 range of the whole network, e.g. "10.0.0.0/16". */
  ipRange: string;
  /** Network zone of the subnets, e.g. "eu-central". */
  zone: string;
  /** Ranges of the network's cloud subnets. */
  subnets: string[];
  routes: NetworkRoute[];
  labels: Record<string, string>;
}

export interface ObservedNetwork {
  id: number;
  name: string;
  ipRange: string;
  subnets: { ipRange: string; zone: string }[];
  routes: NetworkRoute[];
  labels: Record<string, string>;
  /** Ids of the attached servers. */
  servers: number[];
}

interface ApiNetwork {
  id: number;
  name: string;
  ip_range: string;
  subnets: { ip_range?: string; network_zone: string }[];
  routes: NetworkRoute[];
  labels: Record<string, string>;
  servers: number[];
}

export function fromApiNetwork(n: ApiNetwork): ObservedNetwork {
  return {
    id: n.id,
    name: n.name,
    ipRange: n.ip_range,
    subnets: n.subnets.map((s) => ({ ipRange: s.ip_range ?? "", zone: s.network_zone })),
    routes: n.routes.map((r) => ({ destination: r.destination, gateway: r.gateway })),
    labels: n.labels,
    servers: n.servers,
  };
}

/** Subnets as sorted "range@zone" keys, so order never shows as a change. */
export function subnetKeys(subnets: readonly { ipRange: string; zone: string }[]): string[] {
  return subnets.map((s) => `${s.ipRange}@${s.zone}`).sort();
}

export function routeKeys(routes: readonly NetworkRoute[]): string[] {
  return routes.map((r) => `${r.destination}>${r.gateway}`).sort();
}

/** Whether Hetzner can turn `from` into `to` in place: same first address, a shorter prefix. */
export function rangeCanGrow(from: string, to: string): boolean {
  const a = parseCidr(from);
  const b = parseCidr(to);
  return a.first === b.first && b.last > a.last && to.split("/")[0] === from.split("/")[0];
}

const wanted = (want: NetworkInput) => want.subnets.map((ipRange) => ({ ipRange, zone: want.zone }));

type Ctx = { hetzner: HetznerClient };

async function getNetwork({ hetzner }: Ctx, id: number): Promise<ObservedNetwork | null> {
  const result = await hetzner.GET("/networks/{id}", { params: { path: { id } } });
  if (isNotFound(result)) return null;
  const { network } = ensure(result, `read network ${id}`);
  return network ? fromApiNetwork(network) : null;
}

/** Waits for the action a network action call answered with; `doing` names it in errors. */
async function settle(
  ctx: Ctx,
  result: { data?: { action: ActionRef }; error?: unknown; response: Response },
  doing: string,
): Promise<void> {
  await waitForActions(ctx.hetzner, [ensure(result, doing).action], doing);
}

export const network: ResourceKind<NetworkInput, ObservedNetwork, Ctx> = {
  kind: "hetzner.network",
  id: (n) => String(n.id),

  read: (ctx, id) => getNetwork(ctx, Number(id)),

  async find(ctx, want) {
    const result = await ctx.hetzner.GET("/networks", {
      params: { query: { label_selector: ownershipSelector(want.labels) } },
    });
    const [found] = ensure(result, `look up network ${want.name}`).networks;
    return found ? fromApiNetwork(found) : null;
  },

  diff(want, have) {
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("ipRange", have.ipRange, want.ipRange, {
        forcesReplace: !rangeCanGrow(have.ipRange, want.ipRange),
      }),
      ...change("subnets", subnetKeys(have.subnets), subnetKeys(wanted(want))),
      ...change("routes", routeKeys(have.routes), routeKeys(want.routes)),
    ];
  },

  async create(ctx, want) {
    const result = await ctx.hetzner.POST("/networks", {
      body: {
        name: want.name,
        ip_range: want.ipRange,
        labels: want.labels,
        subnets: want.subnets.map((ip_range) => ({
          type: "cloud" as const,
          ip_range,
          network_zone: want.zone,
        })),
        routes: want.routes,
      },
    });
    const created = ensure(result, `create network ${want.name}`).network;
    if (!created) throw new Error(`creating network ${want.name} returned no network`);
    return fromApiNetwork(created);
  },

  async update(ctx, have, want, changes) {
    const changed = new Set(changes.map((c) => c.path));
    const doing = (what: string) => `${what} of network ${want.name}`;
    if (changed.has("name") || changed.has("labels")) {
      const result = await ctx.hetzner.PUT("/networks/{id}", {
        params: { path: { id: have.id } },
        body: { name: want.name, labels: want.labels },
      });
      ensure(result, doing("update name and labels"));
    }
    const path = { params: { path: { id: have.id } } };
    if (changed.has("ipRange")) {
      const body = { ip_range: want.ipRange };
      await settle(
        ctx,
        await ctx.hetzner.POST("/networks/{id}/actions/change_ip_range", { ...path, body }),
        doing("grow range"),
      );
    }
    const keepRoutes = new Set(routeKeys(want.routes));
    for (const body of have.routes.filter((r) => !keepRoutes.has(routeKeys([r]).join()))) {
      const result = await ctx.hetzner.POST("/networks/{id}/actions/delete_route", { ...path, body });
      await settle(ctx, result, doing(`delete route to ${body.destination}`));
    }
    const keepSubnets = new Set(subnetKeys(wanted(want)));
    for (const s of have.subnets.filter((s) => !keepSubnets.has(subnetKeys([s]).join()))) {
      const result = await ctx.hetzner.POST("/networks/{id}/actions/delete_subnet", {
        ...path,
        body: { ip_range: s.ipRange },
      });
      await settle(ctx, result, doing(`delete subnet ${s.ipRange}`));
    }
    const haveSubnets = new Set(subnetKeys(have.subnets));
    for (const s of wanted(want).filter((s) => !haveSubnets.has(subnetKeys([s]).join()))) {
      const body = { type: "cloud" as const, ip_range: s.ipRange, network_zone: s.zone };
      const result = await ctx.hetzner.POST("/networks/{id}/actions/add_subnet", { ...path, body });
      await settle(ctx, result, doing(`add subnet ${s.ipRange}`));
    }
    const haveRoutes = new Set(routeKeys(have.routes));
    for (const body of want.routes.filter((r) => !haveRoutes.has(routeKeys([r]).join()))) {
      const result = await ctx.hetzner.POST("/networks/{id}/actions/add_route", { ...path, body });
      await settle(ctx, result, doing(`add route to ${body.destination}`));
    }
    const final = await getNetwork(ctx, have.id);
    if (!final) throw new Error(`network ${want.name} vanished while it was being updated`);
    return final;
  },

  async delete({ hetzner }, have) {
    const result = await hetzner.DELETE("/networks/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    if (!result.response.ok) ensure({ ...result, data: undefined }, `delete network ${have.name}`);
  },
};
