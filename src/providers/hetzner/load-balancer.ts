/**
 * hetzner.loadBalancer: a Hetzner load balancer with its services (listen port, health check), targets
 * (servers by id or a label selector) and an optional private network. Almost everything changes in
 * place through the load balancer's actions — type, algorithm, each service, each target, the network,
 * the public interface — so only the location forces a replace (Hetzner cannot move one). Services are
 * keyed by listen port and targets compared as sets: their order carries no meaning.
 */
import { canonicalJson, change, type ResourceKind } from "../../engine/resource.ts";
import { type ActionRef, waitForActions } from "./actions.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { ownershipSelector } from "./labels.ts";

export interface LoadBalancerHealthCheck {
  protocol: "tcp" | "http" | "https";
  port: number;
  /** Seconds, as the API takes them. */
  interval: number;
  timeout: number;
  retries: number;
  /** For http(s) checks. */
  http: { domain: string | null; path: string; statusCodes: string[] } | null;
}

export interface LoadBalancerService {
  protocol: "tcp" | "http";
  listenPort: number;
  destinationPort: number;
  proxyProtocol: boolean;
  healthCheck: LoadBalancerHealthCheck;
  /** Sticky sessions for http services. */
  http: { stickySessions: boolean; cookieName: string; cookieLifetime: number } | null;
}

export type LoadBalancerTarget = { server: number } | { labelSelector: string };

export interface LoadBalancerInput {
  name: string;
  type: string;
  location: string;
  algorithm: "round_robin" | "least_connections";
  services: LoadBalancerService[];
  targets: LoadBalancerTarget[];
  /** Reach targets on their private addresses in `network` (needs `network`). */
  usePrivateIp: boolean;
  /** Id of the private network to attach to, with an optional fixed address. */
  network: { id: number; ip: string | null } | null;
  public: boolean;
  labels: Record<string, string>;
}

export interface ObservedLoadBalancer {
  id: number;
  name: string;
  type: string;
  location: string;
  algorithm: string;
  services: LoadBalancerService[];
  targets: LoadBalancerTarget[];
  usePrivateIp: boolean;
  network: { id: number; ip: string } | null;
  public: boolean;
  ipv4: string | null;
  labels: Record<string, string>;
}

interface ApiHealthCheck {
  protocol: "tcp" | "http" | "https";
  port: number;
  interval: number;
  timeout: number;
  retries: number;
  http?: { domain?: string | null; path?: string; status_codes?: string[]; tls?: boolean } | null;
}

interface ApiService {
  protocol: "tcp" | "http" | "https";
  listen_port: number;
  destination_port: number;
  proxyprotocol: boolean;
  health_check: ApiHealthCheck;
  http?: { sticky_sessions?: boolean; cookie_name?: string; cookie_lifetime?: number } | null;
}

interface ApiLoadBalancer {
  id: number;
  name: string;
  load_balancer_type: { name: string };
  location: { name: string };
  algorithm: { type: string };
  services: ApiService[];
  targets: {
    type: string;
    server?: { id: number };
    label_selector?: { selector: string };
    use_private_ip?: boolean;
  }[];
  private_net: { network?: number; ip?: string }[];
  public_net: { enabled: boolean; ipv4: { ip?: string | null } };
  labels: Record<string, string>;
}

export function fromApiLoadBalancer(lb: ApiLoadBalancer): ObservedLoadBalancer {
  const [net] = lb.private_net;
  return {
    id: lb.id,
    name: lb.name,
    type: lb.load_balancer_type.name,
    location: lb.location.name,
    algorithm: lb.algorithm.type,
    services: lb.services.map((s) => ({
      protocol: s.protocol === "https" ? "http" : s.protocol,
      listenPort: s.listen_port,
      destinationPort: s.destination_port,
      proxyProtocol: s.proxyprotocol,
      healthCheck: {
        protocol: s.health_check.protocol,
        port: s.health_check.port,
        interval: s.health_check.interval,
        timeout: s.health_check.timeout,
        retries: s.health_check.retries,
        http:
          s.health_check.protocol === "tcp" || !s.health_check.http
            ? null
            : {
                domain: s.health_check.http.domain || null,
                path: s.health_check.http.path ?? "/",
                statusCodes: s.health_check.http.status_codes ?? [],
              },
      },
      http:
        s.protocol === "tcp" || !s.http
          ? null
          : {
              stickySessions: s.http.sticky_sessions ?? false,
              cookieName: s.http.cookie_name ?? "HCLBSTICKY",
              cookieLifetime: s.http.cookie_lifetime ?? 300,
            },
    })),
    targets: lb.targets.flatMap((t): LoadBalancerTarget[] => {
      if (t.type === "server" && t.server) return [{ server: t.server.id }];
      if (t.type === "label_selector" && t.label_selector)
        return [{ labelSelector: t.label_selector.selector }];
      return [];
    }),
    usePrivateIp: lb.targets.some((t) => t.use_private_ip === true),
    network: net?.network !== undefined ? { id: net.network, ip: net.ip ?? "" } : null,
    public: lb.public_net.enabled,
    ipv4: lb.public_net.ipv4.ip ?? null,
    labels: lb.labels,
  };
}

export function toApiService(s: LoadBalancerService) {
  const hc = s.healthCheck;
  return {
    protocol: s.protocol,
    listen_port: s.listenPort,
    destination_port: s.destinationPort,
    proxyprotocol: s.proxyProtocol,
    health_check: {
      protocol: hc.protocol,
      port: hc.port,
      interval: hc.interval,
      timeout: hc.timeout,
      retries: hc.retries,
      ...(hc.http
        ? {
            http: {
              ...(hc.http.domain ? { domain: hc.http.domain } : {}),
              path: hc.http.path,
              status_codes: hc.http.statusCodes,
              tls: hc.protocol === "https",
            },
          }
        : {}),
    },
    ...(s.http
      ? {
          http: {
            sticky_sessions: s.http.stickySessions,
            cookie_name: s.http.cookieName,
            cookie_lifetime: s.http.cookieLifetime,
          },
        }
      : {}),
  };
}

export function toApiTarget(t: LoadBalancerTarget, usePrivateIp: boolean) {
  return "server" in t
    ? { type: "server" as const, server: { id: t.server }, use_private_ip: usePrivateIp }
    : {
        type: "label_selector" as const,
        label_selector: { selector: t.labelSelector },
        use_private_ip: usePrivateIp,
      };
}

const targetKeys = (targets: readonly LoadBalancerTarget[]) => targets.map((t) => canonicalJson(t)).sort();
const byPort = (services: readonly LoadBalancerService[]) =>
  new Map(services.map((s) => [s.listenPort, canonicalJson(s)]));

/** One change per service that differs, named by its listen port, so plans say which one. */
function serviceChanges(have: readonly LoadBalancerService[], want: readonly LoadBalancerService[]) {
  const a = byPort(have);
  const b = byPort(want);
  const ports = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  return ports.flatMap((port) => {
    const from = have.find((s) => s.listenPort === port) ?? null;
    const to = want.find((s) => s.listenPort === port) ?? null;
    return a.get(port) === b.get(port) ? [] : change(`services.${port}`, from, to);
  });
}

type Ctx = { hetzner: HetznerClient };

async function getLoadBalancer({ hetzner }: Ctx, id: number): Promise<ObservedLoadBalancer | null> {
  const result = await hetzner.GET("/load_balancers/{id}", { params: { path: { id } } });
  if (isNotFound(result)) return null;
  return fromApiLoadBalancer(ensure(result, `read load balancer ${id}`).load_balancer as ApiLoadBalancer);
}

/** Runs one load balancer action and waits for it; `doing` names it in errors. */
async function act(ctx: Ctx, id: number, action: string, body: unknown, doing: string): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: one helper for the thirteen typed action paths
  const post = ctx.hetzner.POST as any;
  const result = await post(`/load_balancers/{id}/actions/${action}`, { params: { path: { id } }, body });
  const { action: ref } = ensure(result as { data?: { action: ActionRef }; response: Response }, doing);
  await waitForActions(ctx.hetzner, [ref], doing);
}

export const loadBalancer: ResourceKind<LoadBalancerInput, ObservedLoadBalancer, Ctx> = {
  kind: "hetzner.loadBalancer",
  id: (lb) => String(lb.id),

  read: (ctx, id) => getLoadBalancer(ctx, Number(id)),

  async find(ctx, want) {
    const result = await ctx.hetzner.GET("/load_balancers", {
      params: { query: { label_selector: ownershipSelector(want.labels) } },
    });
    const [found] = ensure(result, `look up load balancer ${want.name}`).load_balancers;
    return found ? fromApiLoadBalancer(found as ApiLoadBalancer) : null;
  },

  diff(want, have) {
    const haveNet = have.network && { id: have.network.id, ip: want.network?.ip ? have.network.ip : null };
    return [
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
      ...change("location", have.location, want.location, { forcesReplace: true }),
      ...change("type", have.type, want.type),
      ...change("algorithm", have.algorithm, want.algorithm),
      ...serviceChanges(have.services, want.services),
      ...change("targets", targetKeys(have.targets), targetKeys(want.targets)),
      ...(have.targets.length > 0 ? change("usePrivateIp", have.usePrivateIp, want.usePrivateIp) : []),
      ...change("network", haveNet, want.network),
      ...change("public", have.public, want.public),
    ];
  },

  describe: (want) => ({
    name: want.name,
    type: want.type,
    location: want.location,
    algorithm: want.algorithm,
    services: want.services.map((s) => `${s.protocol} ${s.listenPort}→${s.destinationPort}`),
    targets: want.targets,
    network: want.network,
    labels: want.labels,
  }),

  async create(ctx, want) {
    const doing = `create load balancer ${want.name}`;
    // The network is attached by action, not in the create call, so a fixed private address can be asked for.
    const result = await ctx.hetzner.POST("/load_balancers", {
      body: {
        name: want.name,
        load_balancer_type: want.type,
        location: want.location,
        algorithm: { type: want.algorithm },
        labels: want.labels,
        // The spec types services as a union per protocol; toApiService builds each one's shape.
        services: want.services.map(toApiService) as never,
        public_interface: true,
      },
    });
    const created = ensure(result, doing);
    await waitForActions(ctx.hetzner, [created.action], doing);
    const id = created.load_balancer.id;
    const blank = await getLoadBalancer(ctx, id);
    if (!blank) throw new Error(`load balancer ${want.name} vanished right after it was created`);
    return loadBalancer.update(ctx, blank, want, loadBalancer.diff(want, blank));
  },

  async update(ctx, have, want, changes) {
    const changed = new Set(changes.map((c) => c.path));
    const id = have.id;
    const run = (action: string, body: unknown, what: string) =>
      act(ctx, id, action, body, `${what} of load balancer ${want.name}`);
    if (changed.has("name") || changed.has("labels")) {
      const result = await ctx.hetzner.PUT("/load_balancers/{id}", {
        params: { path: { id } },
        body: { name: want.name, labels: want.labels },
      });
      ensure(result, `update load balancer ${have.name}`);
    }
    if (changed.has("type")) await run("change_type", { load_balancer_type: want.type }, "change type");
    if (changed.has("algorithm")) await run("change_algorithm", { type: want.algorithm }, "change algorithm");
    if (changed.has("network")) {
      if (have.network) await run("detach_from_network", { network: have.network.id }, "detach network");
      if (want.network) {
        const body = { network: want.network.id, ...(want.network.ip ? { ip: want.network.ip } : {}) };
        await run("attach_to_network", body, "attach network");
      }
    }
    for (const c of changes.filter((c) => c.path.startsWith("services."))) {
      const port = Number(c.path.slice("services.".length));
      const to = want.services.find((s) => s.listenPort === port);
      if (!c.from) await run("add_service", toApiService(to!), `add service ${port}`);
      else if (!to) await run("delete_service", { listen_port: port }, `delete service ${port}`);
      else await run("update_service", toApiService(to), `update service ${port}`);
    }
    if (changed.has("targets") || changed.has("usePrivateIp")) {
      // A target's use_private_ip cannot be changed on it: remove and add again.
      const keep = changed.has("usePrivateIp") ? new Set<string>() : new Set(targetKeys(want.targets));
      const had = new Set(targetKeys(have.targets.filter((t) => keep.has(canonicalJson(t)))));
      for (const t of have.targets.filter((t) => !keep.has(canonicalJson(t)))) {
        await run("remove_target", toApiTarget(t, have.usePrivateIp), "remove target");
      }
      for (const t of want.targets.filter((t) => !had.has(canonicalJson(t)))) {
        await run("add_target", toApiTarget(t, want.usePrivateIp), "add target");
      }
    }
    if (changed.has("public")) {
      await run(
        want.public ? "enable_public_interface" : "disable_public_interface",
        {},
        "switch public interface",
      );
    }
    const final = await getLoadBalancer(ctx, id);
    if (!final) throw new Error(`load balancer ${want.name} vanished while it was being updated`);
    return final;
  },

  async delete({ hetzner }, have) {
    const result = await hetzner.DELETE("/load_balancers/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    if (!result.response.ok) ensure({ ...result, data: undefined }, `delete load balancer ${have.name}`);
  },
};
