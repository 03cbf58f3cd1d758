/**
 * hetzner.placementGroup: a spread group that keeps its servers on different physical hosts (at most
 * 10 servers). Servers join it when they are created (a server's `placement_group`), so the group only
 * has a name, labels and its type, which cannot change: another type replaces the group.
 */
import { change, type ResourceKind } from "../../engine/resource.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { ownershipSelector } from "./labels.ts";

export interface PlacementGroupInput {
  name: string;
  labels: Record<string, string>;
  type: "spread";
}

export interface ObservedPlacementGroup {
  id: number;
  name: string;
  labels: Record<string, string>;
  type: "spread";
  /** Ids of the servers in the group. */
  servers: number[];
}

interface ApiPlacementGroup {
  id: number;
  name: string;
  labels: Record<string, string>;
  type: "spread";
  servers: number[];
}

export function fromApiPlacementGroup(pg: ApiPlacementGroup): ObservedPlacementGroup {
  return { id: pg.id, name: pg.name, labels: pg.labels, type: pg.type, servers: pg.servers };
}

type Ctx = { hetzner: HetznerClient };

export const placementGroup: ResourceKind<PlacementGroupInput, ObservedPlacementGroup, Ctx> = {
  kind: "hetzner.placementGroup",
  id: (pg) => String(pg.id),

  async read({ hetzner }, id) {
    const result = await hetzner.GET("/placement_groups/{id}", { params: { path: { id: Number(id) } } });
    if (isNotFound(result)) return null;
    return fromApiPlacementGroup(ensure(result, `read placement group ${id}`).placement_group);
  },

  async find({ hetzner }, want) {
    const result = await hetzner.GET("/placement_groups", {
      params: { query: { label_selector: ownershipSelector(want.labels) } },
    });
    const [found] = ensure(result, `look up placement group ${want.name}`).placement_groups;
    return found ? fromApiPlacementGroup(found) : null;
  },

  diff(want, have) {
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("type", have.type, want.type, { forcesReplace: true }),
    ];
  },

  async create({ hetzner }, want) {
    const result = await hetzner.POST("/placement_groups", {
      body: { name: want.name, labels: want.labels, type: want.type },
    });
    return fromApiPlacementGroup(ensure(result, `create placement group ${want.name}`).placement_group);
  },

  async update({ hetzner }, have, want) {
    const result = await hetzner.PUT("/placement_groups/{id}", {
      params: { path: { id: have.id } },
      body: { name: want.name, labels: want.labels },
    });
    return fromApiPlacementGroup(ensure(result, `update placement group ${have.name}`).placement_group);
  },

  async delete({ hetzner }, have) {
    const result = await hetzner.DELETE("/placement_groups/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    if (!result.response.ok) ensure({ ...result, data: undefined }, `delete placement group ${have.name}`);
  },
};
