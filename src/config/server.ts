/**
 * Server groups and placement groups. A group is `count` identical Hetzner servers named
 * `<stack>-<group>` (count 1) or `<stack>-<group>-<n>` (n from 1), so a group name is what services,
 * firewalls and load balancers refer to, never a single server; a thing that must live on exactly one
 * host names a group of count 1.
 */
import { z } from "zod";
import { Ipv4 } from "./net.ts";
import { integer, Labels, Location, resourceName, text } from "./primitives.ts";

/** How a server group joins one private network. */
export const ServerNetwork = z.strictObject({
  /**
   * The subnet to take addresses from. Default: the network's only subnet, or its first one.
   * @example "app"
   */
  subnet: resourceName("subnet", "app").optional(),
  /**
   * Fixed private addresses, one per server in the group (in order). Default: Hetzner assigns them.
   * @example ["10.0.2.10", "10.0.2.11"]
   */
  ips: z.array(Ipv4, { error: 'expected a list of IPv4 addresses such as ["10.0.2.10"]' }).optional(),
});
export type ServerNetwork = z.infer<typeof ServerNetwork>;

const NETWORKS_MESSAGE = 'expected network names such as ["main"] or { main: { subnet: "app" } }';

/** `["main"]` is shorthand for `{ main: {} }`. */
const ServerNetworks = z
  .union(
    [
      z
        .array(resourceName("network", "main"))
        .transform((names): Record<string, ServerNetwork> => Object.fromEntries(names.map((n) => [n, {}]))),
      z.record(resourceName("network", "main"), ServerNetwork),
    ],
    { error: NETWORKS_MESSAGE },
  )
  .default({});

export const Server = z.strictObject({
  /**
   * Hetzner server type (see `hcloud server-type list`).
   * @example "cx22"
   */
  type: text(/^[a-z]+\d+[a-z]*$/, 'expected a Hetzner server type such as "cx22"'),
  /**
   * Hetzner image name or snapshot description to boot from.
   * @example "debian-12"
   */
  image: text(/^[a-z0-9][a-z0-9._-]*$/, 'expected a Hetzner image name such as "debian-12"'),
  /** Hetzner location. Default: the stack's `location`. @example "nbg1" */
  location: Location.optional(),
  /** How many identical servers the group has. Default 1. @example 2 */
  count: integer(1, 50, 2).default(1),
  /** Extra Hetzner labels on each server (slipway adds `slipway/stack` and `slipway/group`). Default {}. */
  labels: Labels,
  /**
   * Private networks the servers join, by name, with an optional subnet and fixed addresses.
   * Default: none. @example { main: { subnet: "app", ips: ["10.0.2.10", "10.0.2.11"] } }
   */
  networks: ServerNetworks,
  /** Placement group (from `placementGroups`) that spreads these servers over hosts. @example "spread" */
  placementGroup: resourceName("placement group", "spread").optional(),
  /**
   * Give the servers a public IPv4 address. Default true. Without one (and without `ipv6`), servers are
   * reached through `ssh.bastion` over a private network.
   */
  ipv4: z.boolean({ error: "expected true or false" }).default(true),
  /** Give the servers a public IPv6 /64. Default true. */
  ipv6: z.boolean({ error: "expected true or false" }).default(true),
  /** Hetzner's automatic daily server backups (+20% of the server price). Default false. */
  backups: z.boolean({ error: "expected true or false" }).default(false),
  /** Delete and rebuild protection in Hetzner, so a stray `destroy` cannot take the servers. Default false. */
  protect: z.boolean({ error: "expected true or false" }).default(false),
});
export type Server = z.infer<typeof Server>;
export type ServerInput = z.input<typeof Server>;

export const PlacementGroup = z.strictObject({
  /** Hetzner's only placement strategy: every server on a different physical host. Default "spread". */
  type: z.literal("spread", { error: 'expected "spread"' }).default("spread"),
  /** Extra Hetzner labels. Default {}. */
  labels: Labels,
});
export type PlacementGroup = z.infer<typeof PlacementGroup>;

/** Hetzner allows at most 10 servers in a spread placement group. */
export const PLACEMENT_GROUP_LIMIT = 10;
