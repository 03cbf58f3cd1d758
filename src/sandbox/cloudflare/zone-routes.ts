/**
 * /zones: list (name with operators, status, account, match, order/direction, pages of 5–50), create,
 * get, edit (paused, type), delete (with its records), and the zone's `ssl` setting, which decides how
 * the sandbox edge reaches origins. Zones become `active` at once: the sandbox has no registrar whose
 * name servers would have to change first.
 */
import type { CfContext, CfHandler, CfRequest, CfRoute } from "./context.ts";
import { couldNotRoute, dnsValidation, invalidZoneName, unauthorized, zoneExists } from "./errors.ts";
import { combine, paged, sorted, ZONE_PAGES } from "./list.ts";
import { validZoneName } from "./names.ts";
import { canonicalName, newId, type SslMode, timestamp, type ZoneRecord } from "./state.ts";
import { zoneView } from "./views.ts";

const SSL_MODES: readonly SslMode[] = ["off", "flexible", "full", "strict"];

function mayUse(req: CfRequest, zone: ZoneRecord): boolean {
  return req.token.zones === undefined || req.token.zones.includes(zone.name);
}

/** The zone named by the `zone_id` path parameter, or the error Cloudflare gives for it. */
export function zoneParam(req: CfRequest, ctx: CfContext): ZoneRecord {
  const zone = ctx.store.state.zones.find((z) => z.id === req.params.zone_id);
  if (!zone) throw couldNotRoute(`/client/v4${req.path}`);
  if (!mayUse(req, zone)) throw unauthorized();
  return zone;
}

function body(req: CfRequest): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
    throw dnsValidation(1004, "the request body must be a JSON object");
  }
  return req.body as Record<string, unknown>;
}

/** `name=example.com` or with an operator prefix: `contains:`, `starts_with:`, `ends_with:`, `not_equal:`. */
function nameFilter(raw: string): (name: string) => boolean {
  const [op, value] = /^(equal|not_equal|starts_with|ends_with|contains):(.*)$/.exec(raw)?.slice(1) ?? [
    "equal",
    raw,
  ];
  const wanted = (value ?? "").toLowerCase();
  switch (op) {
    case "not_equal":
      return (name) => name !== wanted;
    case "starts_with":
      return (name) => name.startsWith(wanted);
    case "ends_with":
      return (name) => name.endsWith(wanted);
    case "contains":
      return (name) => name.includes(wanted);
    default:
      return (name) => name === wanted;
  }
}

const list: CfHandler = (req, ctx) => {
  const q = req.query;
  const filters: ((z: ZoneRecord) => boolean)[] = [];
  const name = q.get("name");
  if (name !== null) {
    const test = nameFilter(name);
    filters.push((z) => test(z.name));
  }
  const status = q.get("status");
  if (status !== null) filters.push((z) => z.status === status);
  const types = q.getAll("type");
  if (types.length > 0) filters.push((z) => types.includes(z.type));
  const accountId = q.get("account.id");
  if (accountId !== null) filters.push(() => accountId === ctx.account.id);
  const accountName = q.get("account.name");
  if (accountName !== null) filters.push(() => nameFilter(accountName)(ctx.account.name.toLowerCase()));
  const visible = ctx.store.state.zones.filter((z) => mayUse(req, z)).filter(combine(q, filters));
  const keys = {
    name: (z: ZoneRecord) => z.name,
    status: (z: ZoneRecord) => z.status,
    "account.id": () => ctx.account.id,
    "account.name": () => ctx.account.name,
    "plan.id": () => "free",
  };
  return paged(sorted(visible, q, keys, ["name"]), q, ZONE_PAGES, (z) => zoneView(z, ctx.account));
};

const create: CfHandler = (req, ctx) => {
  if (req.token.zones !== undefined) throw unauthorized();
  const b = body(req);
  if (typeof b.name !== "string")
    throw dnsValidation(1004, "name is required: the domain to add, e.g. example.com");
  const account = b.account as { id?: unknown } | undefined;
  if (typeof account?.id !== "string") {
    throw dnsValidation(1004, `account.id is required: this sandbox's account is ${ctx.account.id}`);
  }
  if (account.id !== ctx.account.id) throw unauthorized();
  const name = canonicalName(b.name);
  if (!validZoneName(name)) throw invalidZoneName(b.name);
  if (ctx.store.state.zones.some((z) => z.name === name)) throw zoneExists(name);
  const type = b.type ?? "full";
  if (type !== "full" && type !== "partial" && type !== "secondary" && type !== "internal") {
    throw dnsValidation(
      1004,
      `type must be full, partial, secondary or internal, got ${JSON.stringify(type)}`,
    );
  }
  const now = timestamp();
  const zone: ZoneRecord = {
    id: newId(),
    name,
    status: "active",
    type,
    paused: false,
    ssl: "full",
    created_on: now,
    modified_on: now,
    activated_on: now,
  };
  ctx.store.state.zones.push(zone);
  ctx.store.save();
  return { result: zoneView(zone, ctx.account) };
};

const get: CfHandler = (req, ctx) => ({ result: zoneView(zoneParam(req, ctx), ctx.account) });

const edit: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const b = body(req);
  if (b.paused !== undefined) {
    if (typeof b.paused !== "boolean") throw dnsValidation(1004, "paused must be true or false");
    zone.paused = b.paused;
  }
  if (b.type !== undefined) {
    if (b.type !== "full" && b.type !== "partial") throw dnsValidation(1004, "type must be full or partial");
    zone.type = b.type;
  }
  zone.modified_on = timestamp();
  ctx.store.save();
  return { result: zoneView(zone, ctx.account) };
};

const remove: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const state = ctx.store.state;
  state.zones = state.zones.filter((z) => z.id !== zone.id);
  state.records = state.records.filter((r) => r.zoneId !== zone.id);
  ctx.store.save();
  return { result: { id: zone.id } };
};

function sslView(zone: ZoneRecord) {
  return { id: "ssl", value: zone.ssl, editable: true, modified_on: zone.modified_on };
}

const getSsl: CfHandler = (req, ctx) => ({ result: sslView(zoneParam(req, ctx)) });

const editSsl: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const value = body(req).value;
  if (!SSL_MODES.includes(value as SslMode)) {
    throw dnsValidation(1007, `Invalid value for zone setting ssl: must be one of ${SSL_MODES.join(", ")}`);
  }
  zone.ssl = value as SslMode;
  zone.modified_on = timestamp();
  ctx.store.save();
  return { result: sslView(zone) };
};

export const zoneRoutes: CfRoute[] = [
  { method: "GET", template: "/zones", handler: list },
  { method: "POST", template: "/zones", handler: create },
  { method: "GET", template: "/zones/{zone_id}", handler: get },
  { method: "PATCH", template: "/zones/{zone_id}", handler: edit },
  { method: "DELETE", template: "/zones/{zone_id}", handler: remove },
  { method: "GET", template: "/zones/{zone_id}/settings/ssl", handler: getSsl },
  { method: "PATCH", template: "/zones/{zone_id}/settings/ssl", handler: editSsl },
];
