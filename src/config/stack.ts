/**
 * The whole stack file. Parsing happens in three steps: shapes and defaults of every section, then
 * defaults that depend on another section (a server's location from the stack's), then the
 * cross-reference checks. The last two run only when every section is well-formed, which zod 4 would
 * enforce anyway; checking shapes first means users see every shape error in a single round.
 */
import { z } from "zod";
import { Accessory } from "./accessory.ts";
import { Backup } from "./backup.ts";
import { Bucket } from "./bucket.ts";
import { checkInfrastructure } from "./check-infrastructure.ts";
import { checkWorkloads } from "./check-workloads.ts";
import { Ci } from "./ci.ts";
import { Dns } from "./dns.ts";
import { BASE_ENVIRONMENT, environmentsSchema } from "./environments.ts";
import { Firewall } from "./firewall.ts";
import { Hosts } from "./hosts.ts";
import { LoadBalancer } from "./load-balancer.ts";
import { Logs, Monitoring } from "./monitoring.ts";
import { Network } from "./network.ts";
import { Labels, Location, resourceName, StackName, zoneOf } from "./primitives.ts";
import { ProxySettings } from "./proxy.ts";
import { Findings } from "./references.ts";
import { Registry } from "./registry.ts";
import { PlacementGroup, Server } from "./server.ts";
import { Service } from "./service.ts";
import { Ssh } from "./ssh.ts";
import { Volume } from "./volume.ts";

/** A map of named things; the key is the logical name used everywhere else. */
function named<T extends z.ZodType>(what: string, example: string, schema: T) {
  return z.record(resourceName(what, example), schema, {
    error: `expected ${what}s by name such as { ${example}: { … } }`,
  });
}

const StackBody = z.strictObject({
  /** Stack name: 1-40 lowercase letters, digits, dashes; prefixes every cloud object. @example "acme-shop" */
  name: StackName,
  /** Default Hetzner location for servers and load balancers. Default "fsn1". */
  location: Location.default("fsn1"),
  /** Labels on every cloud object (besides `slipway/stack`). Default {}. */
  labels: Labels,
  /** How slipway reaches the hosts, and the deploy user. Default: user "deploy", port 22. */
  ssh: Ssh.prefault({}),
  /** Caddy, the HTTPS proxy on servers with public services. Default: "caddy:2" with Let's Encrypt. */
  proxy: ProxySettings.prefault({}),
  /** Registry for built and private images. Default: none (public images, sandbox registry). */
  registry: Registry.optional(),
  /** Server groups by name. At least one. */
  servers: named("server group", "web", Server).refine((servers) => Object.keys(servers).length > 0, {
    error: 'expected at least one server group such as { web: { type: "cx22", image: "debian-12" } }',
  }),
  /** Placement groups by name. Default {}. */
  placementGroups: named("placement group", "spread", PlacementGroup).default({}),
  /** Private networks by name. Default {}. */
  networks: named("network", "main", Network).default({}),
  /** Hetzner cloud firewalls by name. Default {}. */
  firewalls: named("firewall", "web", Firewall).default({}),
  /** Hetzner load balancers by name. Default {}. */
  loadBalancers: named("load balancer", "main", LoadBalancer).default({}),
  /** Block-storage volumes by name. Default {}. */
  volumes: named("volume", "data", Volume).default({}),
  /** DNS records in a Cloudflare zone. Default: slipway manages no DNS. */
  dns: Dns.optional(),
  /** The stack's own, release-deployed containers, by name. Default {}. */
  services: named("service", "web", Service).default({}),
  /** Databases, caches and other stateful containers, by name. Default {}. */
  accessories: named("accessory", "db", Accessory).default({}),
  /** S3 buckets by key. Default {}. */
  buckets: named("bucket", "backups", Bucket).default({}),
  /** Scheduled backups by name. Default {}. */
  backups: named("backup", "db", Backup).default({}),
  /** Host hardening. Default: UFW (22/80/443), fail2ban, unattended upgrades, UTC. */
  hosts: Hosts.prefault({}),
  /** Container log rotation and the optional Dozzle viewer. Default: 10M × 5 files, no viewer. */
  logs: Logs.prefault({}),
  /** Prometheus, Grafana and alerts. Default: none. */
  monitoring: Monitoring.optional(),
  /** The generated CI/CD pipeline. Default: none. */
  ci: Ci.optional(),
});

type BodyInput = z.input<typeof StackBody>;

/** Defaults that come from another section. Runs only on a well-formed stack. */
function resolve(body: z.output<typeof StackBody>, environment: string) {
  const firstGroup = Object.keys(body.servers)[0]!;
  const mapValues = <T, U>(record: Record<string, T>, f: (value: T, key: string) => U): Record<string, U> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value, key)]));
  return {
    ...body,
    /** "production" for the stack as written, else the environment it was merged for. */
    environment,
    registry: body.registry && { ...body.registry, namespace: body.registry.namespace ?? body.name },
    servers: mapValues(body.servers, (server) => ({
      ...server,
      location: server.location ?? body.location,
      networks: mapValues(server.networks, (attachment, network) => ({
        ...attachment,
        subnet: attachment.subnet ?? Object.keys(body.networks[network]?.subnets ?? {})[0],
      })),
    })),
    networks: mapValues(body.networks, (network) => ({
      ...network,
      zone: network.zone ?? zoneOf(body.location),
    })),
    loadBalancers: mapValues(body.loadBalancers, (lb) => ({ ...lb, location: lb.location ?? body.location })),
    volumes: mapValues(body.volumes, (volume, name) => ({
      ...volume,
      mountPath: volume.mountPath ?? `/mnt/${name}`,
    })),
    buckets: mapValues(body.buckets, (bucket, key) => ({
      ...bucket,
      name: bucket.name ?? `${body.name}-${key}`,
    })),
    backups: mapValues(body.backups, (backup, name) => ({
      ...backup,
      prefix: backup.prefix ?? name,
      tool:
        backup.tool ??
        (backup.accessory && body.accessories[backup.accessory]?.type === "postgres"
          ? "pgbackrest"
          : "restic"),
    })),
    logs: {
      ...body.logs,
      dozzle: body.logs.dozzle && { ...body.logs.dozzle, server: body.logs.dozzle.server ?? firstGroup },
    },
  };
}

/** The stack for one environment: shapes, then resolved defaults, then cross references. */
export function stackSchema(environment: string) {
  return StackBody.extend({
    /** Overrides per environment, merged over this stack. Default {}. @example { staging: { servers: { web: { type: "cx22" } } } } */
    environments: environmentsSchema<Omit<BodyInput, "name">>(),
  })
    .transform((stack) => ({ ...resolve(stack, environment), environments: stack.environments }))
    .superRefine((stack, ctx) => {
      const findings = new Findings();
      checkInfrastructure(stack, findings);
      checkWorkloads(stack, findings);
      for (const issue of findings.issues)
        ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    });
}

/** The stack as written (the production environment). */
export const Stack = stackSchema(BASE_ENVIRONMENT);

/** A validated stack with every default applied; durations in ms, sizes in MiB. */
export type Stack = z.output<typeof Stack>;
/** What a config file may contain (the argument of `defineStack`). */
export type StackInput = z.input<typeof Stack>;
