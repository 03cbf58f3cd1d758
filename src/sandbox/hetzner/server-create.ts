/**
 * POST /servers. Checks the body against the spec, then Hetzner's rules: an RFC 1123 name unique in
 * the project; a server type, image, location or datacenter and SSH keys given by id or name (the spec
 * types them as strings but documents ids too, and Hetzner's own Go client sends ids as JSON numbers, so
 * numbers are accepted); an image built for the server type's architecture; user_data up to 32 KiB.
 * Volumes, networks, firewalls, placement groups and primary IPs do not exist in this emulator, so any
 * reference to one is "not found" rather than silently ignored.
 */
import { randomBytes } from "node:crypto";
import { actionView } from "./actions.ts";
import { checkedBody } from "./body.ts";
import type { Handler } from "./context.ts";
import { ApiError, invalidField, uniquenessError } from "./errors.ts";
import { isValidHostname } from "./hostname.ts";
import { nextFreeIpv4 } from "./ip-pool.ts";
import { runTransition } from "./server-lifecycle.ts";
import {
  resolvePlacement,
  resolveServerImage,
  resolveServerType,
  resolveSshKeys,
} from "./server-references.ts";
import { serverView } from "./server-view.ts";
import { type ServerRecord, takeId, timestamp } from "./state.ts";

const USER_DATA_LIMIT = 32 * 1024;
const ID_OR_NAME = ["server_type", "image", "location", "datacenter"];

/** Turns documented integer ids in "ID or name" fields into the strings the schema expects. */
function normaliseIds(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...body };
  for (const key of ID_OR_NAME) if (Number.isInteger(copy[key])) copy[key] = String(copy[key]);
  if (Array.isArray(copy.ssh_keys))
    copy.ssh_keys = copy.ssh_keys.map((k) => (Number.isInteger(k) ? String(k) : k));
  return copy;
}

function rejectAbsentResources(body: Record<string, unknown>): void {
  const first = (name: string) => (body[name] as unknown[] | undefined)?.[0];
  for (const name of ["volumes", "networks"]) {
    if (first(name) !== undefined)
      throw invalidField(name, `${name.slice(0, -1)} ${String(first(name))} not found`);
  }
  const firewall = first("firewalls") as { firewall: number } | undefined;
  if (firewall) throw invalidField("firewalls", `firewall ${firewall.firewall} not found`);
  if (body.placement_group !== undefined)
    throw invalidField("placement_group", `placement group ${String(body.placement_group)} not found`);
  const net = body.public_net as { ipv4?: number | null; ipv6?: number | null } | undefined;
  for (const family of ["ipv4", "ipv6"] as const) {
    const id = net?.[family];
    if (id !== undefined && id !== null)
      throw invalidField(`public_net.${family}`, `primary IP ${id} not found`);
  }
}

export const createServer: Handler = (req, ctx) => {
  const body = checkedBody(req, "/servers", normaliseIds(req.body));
  const state = ctx.store.state;
  const name = body.name as string;
  if (!isValidHostname(name)) throw invalidField("name", "must be a valid hostname (RFC 1123)");
  const serverType = resolveServerType(body.server_type as string);
  const datacenter = resolvePlacement(
    serverType,
    body.location as string | undefined,
    body.datacenter as string | undefined,
  );
  const image = resolveServerImage(body.image as string, serverType);
  const sshKeys = resolveSshKeys(state, (body.ssh_keys as string[] | undefined) ?? []);
  const userData = (body.user_data as string | undefined) ?? null;
  if (userData !== null && Buffer.byteLength(userData) > USER_DATA_LIMIT) {
    throw invalidField("user_data", `Longer than maximum length ${USER_DATA_LIMIT}.`);
  }
  rejectAbsentResources(body);
  if (state.servers.some((s) => s.name === name))
    throw uniquenessError("server name is already used", "name");
  const wantIpv4 = (body.public_net as { enable_ipv4?: boolean } | undefined)?.enable_ipv4 !== false;
  const used = new Set(state.servers.flatMap((s) => (s.publicIpv4 ? [s.publicIpv4] : [])));
  const ipv4 = wantIpv4 ? nextFreeIpv4(ctx.ipv4Pool, used, state.lastIpv4) : null;
  if (wantIpv4 && ipv4 === null)
    throw new ApiError("resource_unavailable", "no free public IPv4 left in the sandbox pool");
  if (ipv4) state.lastIpv4 = ipv4;

  const server: ServerRecord = {
    id: takeId(state, "server"),
    name,
    status: "initializing",
    created: timestamp(),
    serverTypeId: serverType.id,
    imageId: image.id,
    datacenterId: datacenter.id,
    publicIpv4: ipv4,
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    userData,
    rootSshKeys: sshKeys.map((k) => k.public_key),
  };
  state.servers.push(server);
  const start = body.start_after_create !== false;
  const spec = {
    id: server.id,
    name,
    image: image.name,
    serverType: serverType.name,
    publicIpv4: ipv4 ?? "",
    userData,
    rootSshKeys: server.rootSshKeys,
  };
  const [action, ...next] = runTransition(ctx, server, {
    commands: start ? ["create_server", "start_server"] : ["create_server"],
    during: "initializing",
    after: start ? "running" : "off",
    effect: async () => {
      await ctx.driver.create(spec);
      if (!start) await ctx.driver.powerOff(server.id); // the driver boots on create; Hetzner leaves it off
    },
  });
  return {
    status: 201,
    body: {
      server: serverView(server),
      action: action && actionView(action),
      next_actions: next.map(actionView),
      root_password: sshKeys.length > 0 ? null : randomBytes(15).toString("base64url"),
    },
  };
};
