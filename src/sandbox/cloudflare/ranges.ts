/**
 * Cloudflare's IP ranges: the real published list (cloudflare.com/ips, also served by `GET /ips`) and the
 * sandbox's stand-in. Origins behind the sandbox edge see connections from the edge container's address
 * on the sandbox network (172.29.4.x, the container side of 127.0.4.0/24), so that is the range the
 * sandbox publishes: an origin firewall that admits only "Cloudflare's ranges" admits the edge and
 * refuses direct visitors, exactly as in production.
 */
import { PUBLIC_RANGES } from "../layout.ts";

export interface CloudflareRanges {
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/** As published at https://www.cloudflare.com/ips-v4 and /ips-v6 (unchanged since 2023). */
export const PUBLISHED_CLOUDFLARE_RANGES: CloudflareRanges = {
  ipv4: [
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
  ],
  ipv6: [
    "2400:cb00::/32",
    "2606:4700::/32",
    "2803:f800::/32",
    "2405:b500::/32",
    "2405:8100::/32",
    "2a06:98c0::/29",
    "2c0f:f248::/32",
  ],
};

/** The sandbox edge's range as origins see it: 127.0.4.0/24 → 172.29.4.0/24. */
export function sandboxCloudflareRanges(): CloudflareRanges {
  return { ipv4: [PUBLIC_RANGES.cloudflareEdge.replace(/^127\.0\./, "172.29.")], ipv6: [] };
}

/** The ranges for a target: the sandbox's stand-in or the real published list. */
export function cloudflareRanges(target: "sandbox" | "cloudflare"): CloudflareRanges {
  return target === "sandbox" ? sandboxCloudflareRanges() : PUBLISHED_CLOUDFLARE_RANGES;
}
