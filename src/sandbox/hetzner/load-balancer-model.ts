/**
 * Load balancer and volume records as the emulator keeps them. Services are stored in the API's own
 * shape with every default filled in, so the view renders them as they are and the haproxy builder
 * reads one canonical form. Targets are stored as requested; a label selector is resolved to servers
 * whenever it is read, so servers that gain or lose the labels later join or leave it. A load
 * balancer's private networks are kept on the network records, beside the servers attached to them.
 */
export type Algorithm = "round_robin" | "least_connections";

export interface HealthCheckHttp {
  domain: string | null;
  path: string;
  response: string;
  status_codes: string[];
  tls: boolean;
}

export interface HealthCheck {
  protocol: "tcp" | "http";
  port: number;
  interval: number;
  timeout: number;
  retries: number;
  /** Only for protocol http. */
  http?: HealthCheckHttp;
}

export interface ServiceHttp {
  cookie_name: string;
  cookie_lifetime: number;
  timeout_idle: number;
  sticky_sessions: boolean;
  /** https only. */
  certificates?: number[];
  /** https only. */
  redirect_http?: boolean;
}

export interface ServiceRecord {
  protocol: "tcp" | "http" | "https";
  listen_port: number;
  destination_port: number;
  proxyprotocol: boolean;
  health_check: HealthCheck;
  /** Only for protocols http and https. */
  http?: ServiceHttp;
}

export type TargetRecord =
  | { type: "server"; serverId: number; usePrivateIp: boolean }
  | { type: "label_selector"; selector: string; usePrivateIp: boolean }
  | { type: "ip"; ip: string };

export interface LoadBalancerRecord {
  id: number;
  name: string;
  created: string;
  loadBalancerTypeId: number;
  locationId: number;
  labels: Record<string, string>;
  protection: { delete: boolean };
  algorithm: Algorithm;
  /** The load balancer's own public IPv4, from the load balancer pool; kept while the interface is off. */
  publicIpv4: string;
  publicInterface: boolean;
  /** Reverse DNS of the public IPv4 when changed from Hetzner's default. */
  dnsPtr: string | null;
  services: ServiceRecord[];
  targets: TargetRecord[];
}

export interface VolumeRecord {
  id: number;
  name: string;
  created: string;
  /** GB. */
  size: number;
  locationId: number;
  labels: Record<string, string>;
  protection: { delete: boolean };
  status: "creating" | "available";
  format: "ext4" | "xfs" | null;
  serverId: number | null;
  /** Whether the last attach asked for the volume to be mounted. */
  automount: boolean;
}
