/**
 * The sandbox's fixed catalog: locations, datacenters, server types, load balancer types, system images
 * and prices. Ids, names and specs are Hetzner's. Prices are EUR net, excluding VAT and excluding the
 * primary IPv4 (billed on its own since 2024), as hetzner.com/cloud listed them in August 2025 for the
 * EU locations: cx22 €3.29 (€3.79 with its IPv4), cx32 €6.30, cx42 €15.90, cx52 €31.90, cpx11 €3.85,
 * * cax11 €3.29, lb11 €5.39, volumes €0.044 and snapshots €0.011 per GB, primary IPv4 €0.50 a month.
 * Deprecated cx11/cx21/cx31 carry their last price. Gross prices are derived with 19% VAT
 * (catalog-views.ts). Every location is priced as the EU ones, with 20 TB of traffic included; since
 * 1 Dec 2024 Hetzner's US locations cost more and include 1-5 TB (no example stack runs there).
 */
export interface LocationFixture {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly country: string;
  readonly city: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly network_zone: string;
}

// biome-ignore format: one location per line
export const LOCATIONS: readonly LocationFixture[] = [
  { id: 1, name: "fsn1", description: "Falkenstein DC Park 1", country: "DE", city: "Falkenstein", latitude: 50.47612, longitude: 12.370071, network_zone: "eu-central" },
  { id: 2, name: "nbg1", description: "Nuremberg DC Park 1", country: "DE", city: "Nuremberg", latitude: 49.452102, longitude: 11.076665, network_zone: "eu-central" },
  { id: 3, name: "hel1", description: "Helsinki DC Park 1", country: "FI", city: "Helsinki", latitude: 60.169855, longitude: 24.938379, network_zone: "eu-central" },
  { id: 4, name: "ash", description: "Ashburn, VA", country: "US", city: "Ashburn, VA", latitude: 39.045821, longitude: -77.487073, network_zone: "us-east" },
  { id: 5, name: "hil", description: "Hillsboro, OR", country: "US", city: "Hillsboro, OR", latitude: 45.54222, longitude: -122.95128, network_zone: "us-west" },
];

export interface DatacenterFixture {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly location: string;
}

export const DATACENTERS: readonly DatacenterFixture[] = [
  { id: 2, name: "nbg1-dc3", description: "Nuremberg 1 virtual DC 3", location: "nbg1" },
  { id: 3, name: "hel1-dc2", description: "Helsinki 1 virtual DC 2", location: "hel1" },
  { id: 4, name: "fsn1-dc14", description: "Falkenstein 1 virtual DC 14", location: "fsn1" },
  { id: 5, name: "ash-dc1", description: "Ashburn virtual DC 1", location: "ash" },
  { id: 6, name: "hil-dc1", description: "Hillsboro virtual DC 1", location: "hil" },
];

/** The datacenter a new server lands in when only a location is given. */
export const RECOMMENDED_DATACENTER = 4;

export interface Deprecation {
  readonly announced: string;
  readonly unavailable_after: string;
}

export interface ServerTypeFixture {
  readonly id: number;
  readonly name: string;
  readonly cores: number;
  readonly memory: number;
  readonly disk: number;
  readonly cpuType: "shared" | "dedicated";
  readonly architecture: "x86" | "arm";
  readonly locations: readonly string[];
  /** EUR net per month and per hour, as Hetzner writes decimals. */
  readonly monthly: string;
  readonly hourly: string;
  readonly deprecation: Deprecation | null;
}

const EU = ["fsn1", "nbg1", "hel1"];
const EU_US = [...EU, "ash", "hil"];
const GEN2_END: Deprecation = {
  announced: "2024-06-06T06:00:00+00:00",
  unavailable_after: "2024-09-06T00:00:00+00:00",
};

// biome-ignore format: one server type per line
export const SERVER_TYPES: readonly ServerTypeFixture[] = [
  { id: 1, name: "cx11", cores: 1, memory: 2, disk: 20, cpuType: "shared", architecture: "x86", locations: EU, monthly: "3.29", hourly: "0.0052", deprecation: GEN2_END },
  { id: 3, name: "cx21", cores: 2, memory: 4, disk: 40, cpuType: "shared", architecture: "x86", locations: EU, monthly: "4.90", hourly: "0.0078", deprecation: GEN2_END },
  { id: 5, name: "cx31", cores: 2, memory: 8, disk: 80, cpuType: "shared", architecture: "x86", locations: EU, monthly: "9.20", hourly: "0.0146", deprecation: GEN2_END },
  { id: 22, name: "cpx11", cores: 2, memory: 2, disk: 40, cpuType: "shared", architecture: "x86", locations: EU_US, monthly: "3.85", hourly: "0.0063", deprecation: null },
  { id: 23, name: "cpx21", cores: 3, memory: 4, disk: 80, cpuType: "shared", architecture: "x86", locations: EU_US, monthly: "7.05", hourly: "0.0112", deprecation: null },
  { id: 24, name: "cpx31", cores: 4, memory: 8, disk: 160, cpuType: "shared", architecture: "x86", locations: EU_US, monthly: "13.10", hourly: "0.0211", deprecation: null },
  { id: 45, name: "cax11", cores: 2, memory: 4, disk: 40, cpuType: "shared", architecture: "arm", locations: EU, monthly: "3.29", hourly: "0.0053", deprecation: null },
  { id: 104, name: "cx22", cores: 2, memory: 4, disk: 40, cpuType: "shared", architecture: "x86", locations: EU, monthly: "3.29", hourly: "0.0052", deprecation: null },
  { id: 105, name: "cx32", cores: 4, memory: 8, disk: 80, cpuType: "shared", architecture: "x86", locations: EU, monthly: "6.30", hourly: "0.0105", deprecation: null },
  { id: 106, name: "cx42", cores: 8, memory: 16, disk: 160, cpuType: "shared", architecture: "x86", locations: EU, monthly: "15.90", hourly: "0.0265", deprecation: null },
  { id: 107, name: "cx52", cores: 16, memory: 32, disk: 320, cpuType: "shared", architecture: "x86", locations: EU, monthly: "31.90", hourly: "0.0532", deprecation: null },
];

export interface LoadBalancerTypeFixture {
  readonly id: number;
  readonly name: string;
  readonly maxConnections: number;
  readonly maxServices: number;
  readonly maxTargets: number;
  readonly maxCertificates: number;
  readonly monthly: string;
  readonly hourly: string;
}

// biome-ignore format: one load balancer type per line
export const LOAD_BALANCER_TYPES: readonly LoadBalancerTypeFixture[] = [
  { id: 1, name: "lb11", maxConnections: 10000, maxServices: 5, maxTargets: 25, maxCertificates: 10, monthly: "5.39", hourly: "0.0086" },
  { id: 2, name: "lb21", maxConnections: 20000, maxServices: 15, maxTargets: 75, maxCertificates: 25, monthly: "16.40", hourly: "0.0260" },
  { id: 3, name: "lb31", maxConnections: 40000, maxServices: 30, maxTargets: 150, maxCertificates: 50, monthly: "32.90", hourly: "0.0521" },
];

export interface ImageFixture {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly osFlavor: "debian" | "ubuntu";
  readonly osVersion: string;
  readonly architecture: "x86" | "arm";
  readonly created: string;
}

// biome-ignore format: one image per line; x86 first, so a lookup by name alone finds the x86 build
export const IMAGES: readonly ImageFixture[] = [
  { id: 45557056, name: "debian-11", description: "Debian 11", osFlavor: "debian", osVersion: "11", architecture: "x86", created: "2021-08-16T11:12:01+00:00" },
  { id: 67794396, name: "ubuntu-22.04", description: "Ubuntu 22.04", osFlavor: "ubuntu", osVersion: "22.04", architecture: "x86", created: "2022-04-21T13:32:38+00:00" },
  { id: 114690387, name: "debian-12", description: "Debian 12", osFlavor: "debian", osVersion: "12", architecture: "x86", created: "2023-06-13T06:00:02+00:00" },
  { id: 161547269, name: "ubuntu-24.04", description: "Ubuntu 24.04", osFlavor: "ubuntu", osVersion: "24.04", architecture: "x86", created: "2024-04-25T13:06:50+00:00" },
  { id: 103907373, name: "debian-11", description: "Debian 11", osFlavor: "debian", osVersion: "11", architecture: "arm", created: "2023-03-20T10:22:44+00:00" },
  { id: 103908130, name: "ubuntu-22.04", description: "Ubuntu 22.04", osFlavor: "ubuntu", osVersion: "22.04", architecture: "arm", created: "2023-03-20T10:35:55+00:00" },
  { id: 114690389, name: "debian-12", description: "Debian 12", osFlavor: "debian", osVersion: "12", architecture: "arm", created: "2023-06-13T06:00:05+00:00" },
  { id: 161547270, name: "ubuntu-24.04", description: "Ubuntu 24.04", osFlavor: "ubuntu", osVersion: "24.04", architecture: "arm", created: "2024-04-25T13:06:53+00:00" },
];

/** Everything else on the price list, EUR net. */
export const PRICES = {
  currency: "EUR",
  vatRate: "19.00",
  primaryIpv4: { monthly: "0.50", hourly: "0.0008" },
  primaryIpv6: { monthly: "0.00", hourly: "0.0000" },
  floatingIpv4Monthly: "3.00",
  floatingIpv6Monthly: "3.00",
  volumePerGbMonth: "0.0440",
  imagePerGbMonth: "0.0110",
  serverBackupPercentage: "20.00",
  perTbTraffic: "1.00",
  includedTrafficBytes: 20 * 1024 ** 4,
} as const;
