/**
 * Cross references among the workload sections: services, accessories, backups, DNS records, the log
 * and metrics UIs, and CI stages. Domains are checked across all of them, because Caddy can serve a host
 * name (and path prefix) for only one upstream.
 */
import { BASE_ENVIRONMENT } from "./environments.ts";
import { type Findings, findCycle, type Path } from "./references.ts";
import type { Stack } from "./stack.ts";

type Body = Omit<Stack, "environments"> & Partial<Pick<Stack, "environments">>;

export function checkWorkloads(stack: Body, findings: Findings): void {
  checkServices(stack, findings);
  checkAccessories(stack, findings);
  checkDependencies(stack, findings);
  checkBackups(stack, findings);
  checkDns(stack, findings);
  checkDomains(stack, findings);
  checkOperations(stack, findings);
}

function checkServices(stack: Body, findings: Findings): void {
  for (const [name, service] of Object.entries(stack.services)) {
    service.servers.forEach((group, i) => {
      findings.ref(["services", name, "servers", i], "server group", group, stack.servers, "servers");
    });
    if (Object.hasOwn(stack.accessories, name)) {
      findings.fail(["services", name], `"${name}" is also an accessory; containers need distinct names`);
    }
  }
}

/** A server group that must hold exactly one server (accessory primaries, UIs). */
function single(stack: Body, findings: Findings, path: Path, group: string, role: string): boolean {
  if (!findings.ref(path, "server group", group, stack.servers, "servers")) return false;
  const count = stack.servers[group]!.count;
  if (count !== 1)
    findings.fail(path, `server group "${group}" has ${count} servers; ${role} runs on a group of count 1`);
  return true;
}

function checkAccessories(stack: Body, findings: Findings): void {
  for (const [name, accessory] of Object.entries(stack.accessories)) {
    const at = ["accessories", name];
    single(stack, findings, [...at, "server"], accessory.server, "an accessory");
    const hosts = [accessory.server];
    accessory.replicas.forEach((group, i) => {
      const path = [...at, "replicas", i];
      if (group === accessory.server)
        findings.fail(path, `"${group}" already runs the primary; a replica needs another server group`);
      else if (accessory.replicas.indexOf(group) !== i) findings.fail(path, `"${group}" is listed twice`);
      else if (findings.ref(path, "server group", group, stack.servers, "servers")) hosts.push(group);
    });
    if (accessory.replicas.length > 0 && accessory.type !== "postgres" && accessory.type !== "redis") {
      findings.fail(
        [...at, "replicas"],
        `replication is supported for postgres and redis, not ${accessory.type}`,
      );
    }
    if (accessory.replicas.length > 0 && accessory.network === undefined) {
      findings.fail(
        [...at, "network"],
        'replicas reach the primary over a private network; set one, e.g. network: "main"',
      );
    }
    if (
      accessory.network !== undefined &&
      findings.ref([...at, "network"], "network", accessory.network, stack.networks, "networks")
    ) {
      for (const group of hosts) {
        if (stack.servers[group] && !Object.hasOwn(stack.servers[group].networks, accessory.network)) {
          findings.fail(
            [...at, "network"],
            `server group "${group}" is not in network "${accessory.network}"; add networks: ["${accessory.network}"] to it`,
          );
        }
      }
    }
    if (
      accessory.volume !== undefined &&
      findings.ref([...at, "volume"], "volume", accessory.volume, stack.volumes, "volumes")
    ) {
      const attached = stack.volumes[accessory.volume]!.servers;
      for (const group of hosts) {
        if (stack.servers[group] && !attached.includes(group)) {
          findings.fail(
            [...at, "volume"],
            `volume "${accessory.volume}" is not attached to server group "${group}"; add it to volumes.${accessory.volume}.servers`,
          );
        }
      }
    }
  }
}

function checkDependencies(stack: Body, findings: Findings): void {
  const edges: Record<string, string[]> = {};
  const tables: [string, Record<string, { dependsOn: string[] }>][] = [
    ["services", stack.services],
    ["accessories", stack.accessories],
  ];
  for (const [kind, table] of tables) {
    for (const [name, item] of Object.entries(table)) {
      edges[name] = [];
      for (const [i, dependency] of item.dependsOn.entries()) {
        const path = [kind, name, "dependsOn", i];
        const targets = kind === "services" ? { ...stack.accessories, ...stack.services } : stack.accessories;
        const what = kind === "services" ? "accessory or service" : "accessory";
        if (dependency === name) {
          findings.fail(path, "cannot depend on itself");
          continue;
        }
        if (!findings.ref(path, what, dependency, targets, "accessories")) continue;
        edges[name]!.push(dependency);
        const accessory = stack.accessories[dependency];
        if (kind === "services" && accessory && accessory.network === undefined) {
          const elsewhere = stack.services[name]!.servers.filter((group) => group !== accessory.server);
          if (elsewhere.length > 0) {
            findings.fail(
              path,
              `"${dependency}" runs only on "${accessory.server}" and has no network, so "${elsewhere[0]}" cannot reach it; set accessories.${dependency}.network`,
            );
          }
        }
      }
    }
  }
  const cycle = findCycle(edges);
  if (cycle) {
    const kind = Object.hasOwn(stack.services, cycle[0]!) ? "services" : "accessories";
    findings.fail([kind, cycle[0]!, "dependsOn"], `dependency cycle: ${cycle.join(" → ")}`);
  }
}

function checkBackups(stack: Body, findings: Findings): void {
  const bucketNames = new Map<string, string>();
  for (const [key, bucket] of Object.entries(stack.buckets)) {
    if (bucket.name.length > 63)
      findings.fail(["buckets", key], `the default name "${bucket.name}" exceeds 63 characters; set name`);
    const other = bucketNames.get(bucket.name);
    if (other)
      findings.fail(["buckets", key, "name"], `"${bucket.name}" is also the name of buckets.${other}`);
    bucketNames.set(bucket.name, key);
  }
  for (const [name, backup] of Object.entries(stack.backups)) {
    const at = ["backups", name];
    findings.ref([...at, "bucket"], "bucket", backup.bucket, stack.buckets, "buckets");
    if (
      backup.accessory !== undefined &&
      findings.ref([...at, "accessory"], "accessory", backup.accessory, stack.accessories, "accessories")
    ) {
      const type = stack.accessories[backup.accessory]!.type;
      if (backup.tool === "pgbackrest" && type !== "postgres")
        findings.fail([...at, "tool"], `pgbackrest backs up postgres, not ${type}; use "restic"`);
    }
    if (
      backup.service !== undefined &&
      findings.ref([...at, "service"], "service", backup.service, stack.services, "services")
    ) {
      if (stack.services[backup.service]!.mounts.length === 0)
        findings.fail([...at, "service"], `service "${backup.service}" mounts nothing to back up`);
    }
    if (backup.volume !== undefined)
      findings.ref([...at, "volume"], "volume", backup.volume, stack.volumes, "volumes");
    backup.servers?.forEach((group, i) => {
      findings.ref([...at, "servers", i], "server group", group, stack.servers, "servers");
    });
  }
}

function checkDns(stack: Body, findings: Findings): void {
  stack.dns?.records.forEach((record, i) => {
    const at = ["dns", "records", i];
    if (
      record.server !== undefined &&
      findings.ref([...at, "server"], "server group", record.server, stack.servers, "servers")
    ) {
      const server = stack.servers[record.server]!;
      if ((record.type === "A" && !server.ipv4) || (record.type === "AAAA" && !server.ipv6)) {
        findings.fail(
          [...at, "server"],
          `server group "${record.server}" has no public ${record.type === "A" ? "IPv4" : "IPv6"} address`,
        );
      }
    }
    if (
      record.loadBalancer !== undefined &&
      findings.ref(
        [...at, "loadBalancer"],
        "load balancer",
        record.loadBalancer,
        stack.loadBalancers,
        "loadBalancers",
      )
    ) {
      if (!stack.loadBalancers[record.loadBalancer]!.public)
        findings.fail(
          [...at, "loadBalancer"],
          `load balancer "${record.loadBalancer}" is internal (public: false)`,
        );
    }
  });
}

function checkDomains(stack: Body, findings: Findings): void {
  const owners = new Map<string, string>();
  const claim = (path: Path, domain: string, prefix = "") => {
    const key = `${domain}${prefix}`;
    const owner = owners.get(key);
    if (owner) findings.fail(path, `"${key}" is already served by ${owner}`);
    else owners.set(key, path.slice(0, 2).join("."));
  };
  for (const [name, service] of Object.entries(stack.services)) {
    for (const [i, domain] of service.domains.entries()) {
      claim(["services", name, "domains", i], domain, service.pathPrefix);
    }
  }
  if (stack.logs.dozzle?.domain) claim(["logs", "dozzle", "domain"], stack.logs.dozzle.domain);
  if (stack.monitoring?.domain) claim(["monitoring", "domain"], stack.monitoring.domain);
}

function checkOperations(stack: Body, findings: Findings): void {
  if (stack.logs.dozzle?.server !== undefined)
    single(stack, findings, ["logs", "dozzle", "server"], stack.logs.dozzle.server, "the Dozzle UI");
  if (stack.monitoring)
    single(stack, findings, ["monitoring", "server"], stack.monitoring.server, "monitoring");
  const environments = { [BASE_ENVIRONMENT]: {}, ...(stack.environments ?? {}) };
  stack.ci?.deploy.forEach((stage, i) => {
    findings.ref(
      ["ci", "deploy", i, "environment"],
      "environment",
      stage.environment,
      environments,
      "environments",
    );
  });
}
