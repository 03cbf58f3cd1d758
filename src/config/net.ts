/**
 * IP addresses, CIDR blocks and port ranges, as schemas and as arithmetic for the cross-reference checks.
 * Private networks in Hetzner are IPv4 only, so containment and overlap are computed for IPv4; IPv6
 * appears only in firewall sources, where it is validated but never compared.
 */
import { z } from "zod";
import { text } from "./primitives.ts";

/** An IPv4 block as two unsigned 32-bit bounds. */
export interface Range4 {
  readonly first: number;
  readonly last: number;
}

/** The 32-bit value of a dotted IPv4 address, or undefined. */
export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The range of an IPv4 CIDR ("10.0.1.0/24"), or undefined if it is not one. */
export function cidr4Range(cidr: string): Range4 | undefined {
  const [ip, bits, extra] = cidr.split("/");
  if (ip === undefined || bits === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits))
    return undefined;
  const base = ipv4ToNumber(ip);
  const prefix = Number(bits);
  if (base === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(base / size) * size;
  return { first, last: first + size - 1 };
}

/** True when a CIDR has no host bits set ("10.0.1.0/24", not "10.0.1.5/24"). */
export function isCanonicalCidr4(cidr: string): boolean {
  const range = cidr4Range(cidr);
  return range !== undefined && range.first === ipv4ToNumber(cidr.split("/")[0]!);
}

export const contains = (outer: Range4, inner: Range4): boolean =>
  inner.first >= outer.first && inner.last <= outer.last;

export const overlaps = (a: Range4, b: Range4): boolean => a.first <= b.last && b.first <= a.last;

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => cidr4Range(c)!);

/** RFC 1918: the only ranges Hetzner accepts for private networks. */
export const isPrivateRange = (range: Range4): boolean => PRIVATE_RANGES.some((p) => contains(p, range));

/** A canonical IPv4 CIDR block, e.g. "10.0.0.0/16". */
export const Cidr4 = z
  .string({ error: 'expected an IPv4 CIDR block such as "10.0.0.0/16"' })
  // abort: the network's own checks parse the range and must not run on a malformed one.
  .refine((value) => cidr4Range(value) !== undefined, {
    error: 'expected an IPv4 CIDR block such as "10.0.0.0/16"',
    abort: true,
  })
  .refine(isCanonicalCidr4, {
    abort: true,
    error: (iss) => {
      const range = cidr4Range(String(iss.input));
      const base = range ? numberToIpv4(range.first) : "10.0.0.0";
      return `host bits are set; did you mean "${base}/${String(iss.input).split("/")[1]}"?`;
    },
  });

/** An IPv4 address, e.g. "10.0.1.10". */
export const Ipv4 = text(
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  'expected an IPv4 address such as "10.0.1.10"',
);

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** An IPv4 or IPv6 CIDR block, as firewalls take them. */
export const AnyCidr = z.union([z.cidrv4(), z.cidrv6()], {
  error: 'expected a CIDR block such as "203.0.113.7/32" or "2001:db8::/32"',
});

/**
 * A port or an inclusive range, written 443 or "8000-8100"; parsed to the string form Hetzner and UFW
 * both use ("443", "8000-8100").
 */
export const PortRange = z
  .union([z.number(), z.string()], { error: 'expected a port such as 443 or a range such as "8000-8100"' })
  .transform((value, ctx) => {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(String(value));
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (!match || !Number.isInteger(from) || from < 1 || to > 65535 || to < from) {
      ctx.addIssue({
        code: "custom",
        message: 'expected a port from 1 to 65535 such as 443 or a range such as "8000-8100"',
        input: value,
      });
      return z.NEVER;
    }
    return from === to ? String(from) : `${from}-${to}`;
  }) as unknown as z.ZodType<string, number | `${number}-${number}` | `${number}`>;
