/** The infrastructure resource kinds infra-nodes.ts builds, for the session's kind registry. */
import { dnsRecord } from "../providers/cloudflare/dns-record.ts";
import { firewall } from "../providers/hetzner/firewall.ts";
import { loadBalancer } from "../providers/hetzner/load-balancer.ts";
import { network } from "../providers/hetzner/network.ts";
import { placementGroup } from "../providers/hetzner/placement-group.ts";
import { volume } from "../providers/hetzner/volume.ts";
import { bucket } from "../providers/s3/bucket.ts";

export const INFRA_KINDS = [
  network,
  firewall,
  placementGroup,
  loadBalancer,
  volume,
  bucket,
  dnsRecord,
] as const;
