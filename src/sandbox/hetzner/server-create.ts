/**
 * POST /servers. Checks the body against the spec, then Hetzner's rules: an RFC 1123 name unique in
 * the project; a server type, image, location or datacenter and SSH keys given by id or name (the spec
 * types them as strings but documents ids too, and Hetzner's own Go client sends ids as JSON numbers, so
 * numbers are accepted); an image built for the server type's architecture; user_data up to 32 KiB.
 * Networks, firewalls, placement group and public_net (primary IPs) are resolved by
 * network-server-lifecycle.ts; volumes are checked as an attach checks them and attached once the
 * machine exists (volume-actions.ts).
 */
import { randomBytes } from "node:crypto";
import { actionView } from "./actions.ts";
import { checkedBody } from "./body.ts";
import type { Handler } from "./context.ts";
import { invalidField, uniquenessError } from "./errors.ts";
import { isValidHostname } from "./hostname.ts";
import { realizeForServer } from "./network-realization.ts";
import { prepareServerExtras } from "./network-server-lifecycle.ts";
import { runTransition } from "./server-lifecycle.ts";
import {
  resolvePlacement,
  resolveServerImage,
  resolveServerType,
  resolveSshKeys,
} from "./server-references.ts";
import { serverView } from "./server-view.ts";
import { type ServerRecord, takeId, timestamp } from "./state.ts";
import { planServerVolumes } from "./volume-actions.ts";

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
  const volumes = planServerVolumes(state, body.volumes as number[] | undefined, datacenter.id);
  if (state.servers.some((s) => s.name === name))
    throw uniquenessError("server name is already used", "name");
  const extras = prepareServerExtras(state, ctx.ipv4Pool, body, datacenter.id);
  const ipv4 = extras.ipv4;

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
  extras.commit(server);
  for (const volume of volumes) {
    volume.serverId = server.id;
    volume.automount = body.automount === true;
  }
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
      await realizeForServer(ctx, server.id);
      for (const volume of volumes) await ctx.volumeDriver?.attach(volume.id, server.id);
      if (!start) await ctx.driver.powerOff(server.id); // the driver boots on create; Hetzner leaves it off
    },
  });
  return {
    status: 201,
    body: {
      server: serverView(server, state),
      action: action && actionView(action),
      next_actions: next.map(actionView),
      root_password: sshKeys.length > 0 ? null : randomBytes(15).toString("base64url"),
    },
  };
};
