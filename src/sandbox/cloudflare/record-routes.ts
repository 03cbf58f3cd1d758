/**
 * /zones/{zone_id}/dns_records: list (filters name/content/comment with exact|contains|startswith|
 * endswith, type, proxied, combined by `match`; `order` by type|name|content|ttl|proxied and `direction`),
 * create, get, overwrite (PUT: omitted fields reset), edit (PATCH: omitted fields kept), delete.
 */
import type { CfContext, CfHandler, CfRequest, CfRoute } from "./context.ts";
import { couldNotRoute, dnsValidation, recordNotFound } from "./errors.ts";
import { combine, paged, RECORD_PAGES, sorted, stringFilter } from "./list.ts";
import { checkRecord, type RecordFields } from "./record-rules.ts";
import { type DnsRecord, newId, timestamp, type ZoneRecord } from "./state.ts";
import { recordView } from "./views.ts";
import { zoneParam } from "./zone-routes.ts";

function zoneRecords(ctx: CfContext, zone: ZoneRecord): DnsRecord[] {
  return ctx.store.state.records.filter((r) => r.zoneId === zone.id);
}

function recordParam(req: CfRequest, ctx: CfContext, zone: ZoneRecord): DnsRecord {
  const id = req.params.dns_record_id ?? "";
  if (!/^[0-9a-f]{32}$/.test(id)) throw couldNotRoute(`/client/v4${req.path}`);
  const record = zoneRecords(ctx, zone).find((r) => r.id === id);
  if (!record) throw recordNotFound();
  return record;
}

function objectBody(req: CfRequest): Record<string, unknown> {
  if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
    throw dnsValidation(1004, "the request body must be a JSON object describing the DNS record");
  }
  return req.body as Record<string, unknown>;
}

const list: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const q = req.query;
  const filters: ((r: DnsRecord) => boolean)[] = [];
  for (const [field, pick] of [
    ["name", (r: DnsRecord) => r.name],
    ["content", (r: DnsRecord) => r.content],
    ["comment", (r: DnsRecord) => r.comment ?? ""],
  ] as const) {
    const test = stringFilter(q, field);
    if (test) filters.push((r) => test(pick(r)));
  }
  if (q.has("comment.present")) filters.push((r) => r.comment !== null);
  if (q.has("comment.absent")) filters.push((r) => r.comment === null);
  const type = q.get("type");
  if (type !== null) filters.push((r) => r.type === type.toUpperCase());
  const proxied = q.get("proxied");
  if (proxied !== null) {
    if (proxied !== "true" && proxied !== "false") throw dnsValidation(1004, "proxied must be true or false");
    filters.push((r) => r.proxied === (proxied === "true"));
  }
  const matching = zoneRecords(ctx, zone).filter(combine(q, filters));
  const keys = {
    type: (r: DnsRecord) => r.type,
    name: (r: DnsRecord) => r.name,
    content: (r: DnsRecord) => r.content,
    ttl: (r: DnsRecord) => r.ttl,
    proxied: (r: DnsRecord) => r.proxied,
  };
  return paged(sorted(matching, q, keys, ["type", "name", "content"]), q, RECORD_PAGES, recordView);
};

function apply(record: DnsRecord, fields: RecordFields): void {
  const { priority, ...rest } = fields;
  Object.assign(record, rest);
  if (priority === undefined) delete record.priority;
  else record.priority = priority;
  record.modified_on = timestamp();
}

const create: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const fields = checkRecord(objectBody(req), zone, zoneRecords(ctx, zone));
  const now = timestamp();
  const record: DnsRecord = { id: newId(), zoneId: zone.id, ...fields, created_on: now, modified_on: now };
  ctx.store.state.records.push(record);
  ctx.store.save();
  return { result: recordView(record) };
};

const get: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  return { result: recordView(recordParam(req, ctx, zone)) };
};

const overwrite: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const record = recordParam(req, ctx, zone);
  apply(record, checkRecord(objectBody(req), zone, zoneRecords(ctx, zone), record.id));
  ctx.store.save();
  return { result: recordView(record) };
};

const edit: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const record = recordParam(req, ctx, zone);
  const merged = { ...recordView(record), ...objectBody(req) };
  apply(record, checkRecord(merged, zone, zoneRecords(ctx, zone), record.id));
  ctx.store.save();
  return { result: recordView(record) };
};

const remove: CfHandler = (req, ctx) => {
  const zone = zoneParam(req, ctx);
  const record = recordParam(req, ctx, zone);
  ctx.store.state.records = ctx.store.state.records.filter((r) => r.id !== record.id);
  ctx.store.save();
  return { result: { id: record.id } };
};

const base = "/zones/{zone_id}/dns_records";
export const recordRoutes: CfRoute[] = [
  { method: "GET", template: base, handler: list },
  { method: "POST", template: base, handler: create },
  { method: "GET", template: `${base}/{dns_record_id}`, handler: get },
  { method: "PUT", template: `${base}/{dns_record_id}`, handler: overwrite },
  { method: "PATCH", template: `${base}/{dns_record_id}`, handler: edit },
  { method: "DELETE", template: `${base}/{dns_record_id}`, handler: remove },
];
