/**
 * Catalog fixtures rendered in the API's shapes. Money is decimal strings as Hetzner sends them: net with
 * 10 decimals, gross with 16, computed exactly (BigInt) from the net price and 19% VAT, so
 * "3.29" becomes {net: "3.2900000000", gross: "3.9151000000000000"} with no float noise.
 */
import {
  type DatacenterFixture,
  type ImageFixture,
  LOAD_BALANCER_TYPES,
  LOCATIONS,
  type LoadBalancerTypeFixture,
  type LocationFixture,
  PRICES,
  SERVER_TYPES,
  type ServerTypeFixture,
} from "./catalog.ts";

export interface Money {
  readonly net: string;
  readonly gross: string;
}

function decimal(units: bigint, scale: number): string {
  const s = units.toString().padStart(scale + 1, "0");
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

/** A net EUR amount with its 19% VAT gross. */
export function money(net: string): Money {
  const [whole = "0", frac = ""] = net.split(".");
  const net10 = BigInt(whole + frac.padEnd(10, "0").slice(0, 10)); // units of 1e-10
  const vat = BigInt(PRICES.vatRate.replace(".", "")); // 1900 = 19.00%
  const gross16 = net10 * (10000n + vat) * 100n; // units of 1e-16
  return { net: decimal(net10, 10), gross: decimal(gross16, 16) };
}

export function locationView(l: LocationFixture) {
  return { ...l };
}

export function locationByName(name: string): LocationFixture {
  const found = LOCATIONS.find((l) => l.name === name);
  if (!found) throw new Error(`catalog has no location ${name}`);
  return found;
}

export function datacenterView(d: DatacenterFixture) {
  const ids = SERVER_TYPES.filter((t) => t.locations.includes(d.location)).map((t) => t.id);
  const available = SERVER_TYPES.filter((t) => t.locations.includes(d.location) && !t.deprecation).map(
    (t) => t.id,
  );
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    location: locationView(locationByName(d.location)),
    server_types: { supported: ids, available, available_for_migration: available },
  };
}

function perLocationPrices(locations: readonly string[], monthly: string, hourly: string) {
  return locations.map((location) => ({
    location,
    price_hourly: money(hourly),
    price_monthly: money(monthly),
    included_traffic: PRICES.includedTrafficBytes,
    price_per_tb_traffic: money(PRICES.perTbTraffic),
  }));
}

export function serverTypeView(t: ServerTypeFixture) {
  return {
    id: t.id,
    name: t.name,
    description: t.name.toUpperCase(),
    cores: t.cores,
    memory: t.memory,
    disk: t.disk,
    deprecated: t.deprecation !== null,
    prices: perLocationPrices(t.locations, t.monthly, t.hourly),
    storage_type: "local",
    cpu_type: t.cpuType,
    category: t.cpuType === "shared" ? "Shared vCPU" : "Dedicated vCPU",
    architecture: t.architecture,
    deprecation: t.deprecation,
    locations: t.locations.map((name) => ({
      id: locationByName(name).id,
      name,
      deprecation: t.deprecation,
      recommended: t.deprecation === null && name === "fsn1",
      available: t.deprecation === null,
    })),
  };
}

export function loadBalancerTypeView(t: LoadBalancerTypeFixture) {
  return {
    id: t.id,
    name: t.name,
    description: t.name.toUpperCase(),
    max_connections: t.maxConnections,
    max_services: t.maxServices,
    max_targets: t.maxTargets,
    max_assigned_certificates: t.maxCertificates,
    deprecated: null,
    prices: perLocationPrices(
      LOCATIONS.map((l) => l.name),
      t.monthly,
      t.hourly,
    ),
  };
}

export function imageView(i: ImageFixture) {
  return {
    id: i.id,
    type: "system",
    status: "available",
    name: i.name,
    description: i.description,
    image_size: null,
    disk_size: 5,
    created: i.created,
    created_from: null,
    bound_to: null,
    os_flavor: i.osFlavor,
    os_version: i.osVersion,
    rapid_deploy: true,
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: {},
    architecture: i.architecture,
  };
}

export function pricingView() {
  const everywhere = LOCATIONS.map((l) => l.name);
  const ip = (p: { monthly: string; hourly: string }) =>
    everywhere.map((location) => ({
      location,
      price_hourly: money(p.hourly),
      price_monthly: money(p.monthly),
    }));
  const floating = (monthly: string) =>
    everywhere.map((location) => ({ location, price_monthly: money(monthly) }));
  return {
    currency: PRICES.currency,
    vat_rate: PRICES.vatRate,
    primary_ips: [
      { type: "ipv4", prices: ip(PRICES.primaryIpv4) },
      { type: "ipv6", prices: ip(PRICES.primaryIpv6) },
    ],
    floating_ips: [
      { type: "ipv4", prices: floating(PRICES.floatingIpv4Monthly) },
      { type: "ipv6", prices: floating(PRICES.floatingIpv6Monthly) },
    ],
    floating_ip: { price_monthly: money(PRICES.floatingIpv4Monthly) },
    image: { price_per_gb_month: money(PRICES.imagePerGbMonth) },
    volume: { price_per_gb_month: money(PRICES.volumePerGbMonth) },
    server_backup: { percentage: PRICES.serverBackupPercentage },
    server_types: SERVER_TYPES.map((t) => ({ id: t.id, name: t.name, prices: serverTypeView(t).prices })),
    load_balancer_types: LOAD_BALANCER_TYPES.map((t) => ({
      id: t.id,
      name: t.name,
      prices: loadBalancerTypeView(t).prices,
    })),
  };
}
