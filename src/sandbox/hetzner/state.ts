/**
 * The emulator's state: plain JSON-serialisable records (what persistence writes), the id sequences and
 * the public IPv4 cursor. Records keep only what the API cannot derive from the catalog: a server
 * stores its server type, image and datacenter ids and is rendered in full by server-view.ts.
 * Sequences start at distinct offsets so an action id passed where a server id belongs fails loudly.
 */
import type { LoadBalancerRecord, VolumeRecord } from "./load-balancer-model.ts";

export type ServerStatus =
  | "running"
  | "initializing"
  | "starting"
  | "stopping"
  | "off"
  | "deleting"
  | "migrating"
  | "rebuilding"
  | "unknown";

export type ActionStatus = "running" | "success" | "error";

export interface SshKeyRecord {
  id: number;
  name: string;
  fingerprint: string;
  public_key: string;
  labels: Record<string, string>;
  created: string;
}

export interface ServerRecord {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  serverTypeId: number;
  imageId: number;
  datacenterId: number;
  publicIpv4: string | null;
  labels: Record<string, string>;
  userData: string | null;
  /** Public keys injected at create, kept so the machine could be recreated from state. */
  rootSshKeys: string[];
}

export interface ActionRecord {
  id: number;
  command: string;
  status: ActionStatus;
  started: string;
  finished: string | null;
  progress: number;
  resources: { id: number; type: string }[];
  error: { code: string; message: string } | null;
}

export interface SubnetRecord {
  type: "cloud" | "server" | "vswitch";
  ip_range: string;
  network_zone: string;
  vswitch_id: number | null;
}

export interface NetworkAttachment {
  serverId: number;
  ip: string;
  aliasIps: string[];
}

export interface NetworkRecord {
  id: number;
  name: string;
  ip_range: string;
  subnets: SubnetRecord[];
  routes: { destination: string; gateway: string }[];
  /** Attached servers in attach order; the server view's private_net is read from here. */
  servers: NetworkAttachment[];
  /** Attached load balancers (load-balancer-networks.ts); absent in data files written before them. */
  loadBalancers?: { loadBalancerId: number; ip: string }[];
  protection: { delete: boolean };
  labels: Record<string, string>;
  created: string;
  expose_routes_to_vswitch: boolean;
}

export interface FirewallRuleRecord {
  description: string | null;
  direction: "in" | "out";
  source_ips: string[];
  destination_ips: string[];
  protocol: "tcp" | "udp" | "icmp" | "esp" | "gre";
  port: string | null;
}

export type FirewallTarget =
  | { type: "server"; serverId: number }
  | { type: "label_selector"; selector: string };

export interface FirewallRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  created: string;
  rules: FirewallRuleRecord[];
  appliedTo: FirewallTarget[];
}

export interface PlacementGroupRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  type: "spread";
  created: string;
  servers: number[];
}

export interface PrimaryIpRecord {
  id: number;
  name: string;
  labels: Record<string, string>;
  created: string;
  type: "ipv4" | "ipv6";
  ip: string;
  datacenterId: number;
  dnsPtr: { ip: string; dns_ptr: string }[];
  protection: { delete: boolean };
  autoDelete: boolean;
  assigneeId: number | null;
}

export interface State {
  version: 1;
  nextId: {
    server: number;
    sshKey: number;
    action: number;
    network: number;
    firewall: number;
    placementGroup: number;
    primaryIp: number;
    loadBalancer: number;
    volume: number;
  };
  /** The last public IPv4 handed out; allocation continues after it so a freed IP is not reused at once. */
  lastIpv4: string | null;
  sshKeys: SshKeyRecord[];
  servers: ServerRecord[];
  actions: ActionRecord[];
  networks: NetworkRecord[];
  firewalls: FirewallRecord[];
  placementGroups: PlacementGroupRecord[];
  primaryIps: PrimaryIpRecord[];
  loadBalancers: LoadBalancerRecord[];
  volumes: VolumeRecord[];
  /** The last load balancer IPv4 handed out, as lastIpv4 for servers. */
  lastLoadBalancerIpv4: string | null;
}

export function emptyState(): State {
  return {
    version: 1,
    nextId: {
      server: 1_000_001,
      sshKey: 2_000_001,
      action: 3_000_001,
      network: 4_000_001,
      firewall: 5_000_001,
      placementGroup: 6_000_001,
      primaryIp: 7_000_001,
      loadBalancer: 8_000_001,
      volume: 9_000_001,
    },
    lastIpv4: null,
    sshKeys: [],
    servers: [],
    actions: [],
    networks: [],
    firewalls: [],
    placementGroups: [],
    primaryIps: [],
    loadBalancers: [],
    volumes: [],
    lastLoadBalancerIpv4: null,
  };
}

/** Takes the next id of a kind and advances its sequence. */
export function takeId(state: State, kind: keyof State["nextId"]): number {
  const id = state.nextId[kind];
  state.nextId[kind] = id + 1;
  return id;
}

/** RFC 3339 without fractions, with an explicit offset, as the real API writes timestamps. */
export function timestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}
