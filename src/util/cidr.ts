/** IPv4 address and CIDR arithmetic, enough for sandbox address planning and overlap checks. */

export function ipv4ToInt(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`${address} is not an IPv4 address`);
  }
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) as number;
}

export function intToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

export interface Cidr {
  first: number;
  last: number;
}

export function parseCidr(cidr: string): Cidr {
  const [address, bitsText] = cidr.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!address || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`${cidr} is not a CIDR`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const first = (ipv4ToInt(address) & mask) >>> 0;
  return { first, last: (first | (~mask >>> 0)) >>> 0 };
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.first <= y.last && y.first <= x.last;
}

export function cidrContains(cidr: string, address: string): boolean {
  const range = parseCidr(cidr);
  const value = ipv4ToInt(address);
  return value >= range.first && value <= range.last;
}
