/**
 * Host hardening applied to every server: UFW, fail2ban, unattended upgrades, swap, time zone, extra
 * packages and sysctls. UFW filters inside the host, *behind* the Hetzner firewall and also on private
 * networks; Docker's published ports are kept behind it (DOCKER-USER rules), so a port here is the truth.
 */
import { z } from "zod";
import { Duration } from "./duration.ts";
import { Source } from "./firewall.ts";
import { PortRange } from "./net.ts";
import { integer, oneOf, text } from "./primitives.ts";
import { Size } from "./size.ts";

const bool = z.boolean({ error: "expected true or false" });

export const UfwRule = z.strictObject({
  /** Port or range. @example 443 */
  port: PortRange,
  /** Default "tcp". */
  protocol: oneOf(["tcp", "udp"]).default("tcp"),
  /** Who may connect: "any", "cloudflare" or CIDR blocks. Default ["any"]. @example ["cloudflare"] */
  from: z
    .array(Source, { error: 'expected a list such as ["any"] or ["cloudflare"]' })
    .min(1)
    .default(["any"]),
});
export type UfwRule = z.infer<typeof UfwRule>;

export const Ufw = z.strictObject({
  /** Run UFW with "deny incoming" by default. Default true. */
  enabled: bool.default(true),
  /** Inbound allow rules. Default: 22, 80 and 443 from anywhere. @example [{ port: 22 }, { port: 443, from: ["cloudflare"] }] */
  allow: z
    .array(UfwRule, { error: "expected a list of rules such as [{ port: 22 }]" })
    .prefault([{ port: 22 }, { port: 80 }, { port: 443 }]),
  /** Allow everything from the stack's private networks (accessories, load balancer, bastion). Default true. */
  allowPrivateNetworks: bool.default(true),
});
export type Ufw = z.infer<typeof Ufw>;

export const Fail2ban = z.strictObject({
  /** Ban addresses that fail SSH logins. Default true. */
  enabled: bool.default(true),
  /** Failures within `findTime` that trigger a ban. Default 5. */
  maxRetry: integer(1, 100, 5).default(5),
  /** Window for counting failures. Default "10m". */
  findTime: Duration.default(600_000),
  /** Ban length. Default "1h". */
  banTime: Duration.default(3_600_000),
});
export type Fail2ban = z.infer<typeof Fail2ban>;

export const Upgrades = z.strictObject({
  /** Install security updates automatically (unattended-upgrades). Default true. */
  enabled: bool.default(true),
  /** Reboot when an update needs it. Default false. */
  reboot: bool.default(false),
  /** Local time for those reboots. Default "04:00". */
  rebootTime: text(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'expected a time such as "04:00"').default("04:00"),
});
export type Upgrades = z.infer<typeof Upgrades>;

export const Hosts = z.strictObject({
  /** Host firewall. Default: on, allowing 22/80/443 and the private networks. */
  ufw: Ufw.prefault({}),
  /** SSH brute-force protection. Default: on, 5 failures in 10 min ban for 1 h. */
  fail2ban: Fail2ban.prefault({}),
  /** Unattended security upgrades. Default: on, no automatic reboots. */
  upgrades: Upgrades.prefault({}),
  /** Swap file size, parsed to MiB. Default: no swap file. @example "2G" */
  swap: Size.optional(),
  /** IANA time zone of the hosts (cron schedules use it). Default "UTC". @example "Europe/Berlin" */
  timezone: text(
    /^(?:UTC|[A-Z][A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2})$/,
    'expected a time zone such as "UTC" or "Europe/Berlin"',
  ).default("UTC"),
  /** Extra Debian/Ubuntu packages to install. Default []. @example ["htop"] */
  packages: z.array(text(/^[a-z0-9][a-z0-9+.-]+$/, 'expected a package name such as "htop"')).default([]),
  /** Kernel parameters. Default {}. @example { "vm.swappiness": 10 } */
  sysctl: z
    .record(
      text(/^[a-z0-9_]+(?:\.[a-z0-9_-]+)+$/, 'expected a sysctl key such as "vm.swappiness"'),
      z.union([z.string(), z.number()], { error: "expected a string or a number such as 10" }),
    )
    .default({}),
});
export type Hosts = z.infer<typeof Hosts>;
