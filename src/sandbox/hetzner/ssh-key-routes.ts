/**
 * /ssh_keys: list (name, fingerprint, label_selector, sort id/name, pagination), get, create, update
 * (name, labels), delete. Names and fingerprints are unique per project: a second key with either
 * taken fails with uniqueness_error naming the field, as Hetzner does.
 */
import { checkedBody } from "./body.ts";
import { commit, type Handler } from "./context.ts";
import { invalidField, notFound, uniquenessError } from "./errors.ts";
import { idParam, listResponse } from "./list-query.ts";
import type { Route } from "./router.ts";
import { parsePublicKey } from "./ssh-public-key.ts";
import { type SshKeyRecord, type State, takeId, timestamp } from "./state.ts";

function view(k: SshKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    fingerprint: k.fingerprint,
    public_key: k.public_key,
    labels: { ...k.labels },
    created: k.created,
  };
}

function find(state: State, id: number): SshKeyRecord {
  const key = state.sshKeys.find((k) => k.id === id);
  if (!key) throw notFound(`SSH key with ID ${id}`);
  return key;
}

function assertNameFree(state: State, name: string, except?: number): void {
  if (state.sshKeys.some((k) => k.name === name && k.id !== except)) {
    throw uniquenessError("SSH key with the same name already exists", "name");
  }
}

const list: Handler = (req, ctx) => {
  const fingerprint = req.query.get("fingerprint");
  return listResponse(req, ctx.store.state.sshKeys, {
    key: "ssh_keys",
    view,
    name: (k) => k.name,
    labels: (k) => k.labels,
    sort: { id: (k) => k.id, name: (k) => k.name },
    filters: fingerprint === null ? [] : [(k) => k.fingerprint === fingerprint],
  });
};

const get: Handler = (req, ctx) => ({
  status: 200,
  body: { ssh_key: view(find(ctx.store.state, idParam(req))) },
});

const create: Handler = (req, ctx) => {
  const body = checkedBody(req, "/ssh_keys");
  const state = ctx.store.state;
  const name = body.name as string;
  if (name.trim() === "") throw invalidField("name", "Shorter than minimum length 1.");
  const parsed = parsePublicKey(body.public_key as string);
  if (!parsed) throw invalidField("public_key", "invalid public key: expected an OpenSSH public key line");
  assertNameFree(state, name);
  if (state.sshKeys.some((k) => k.fingerprint === parsed.fingerprint)) {
    throw uniquenessError("SSH key with the same fingerprint already exists", "public_key");
  }
  const key: SshKeyRecord = {
    id: takeId(state, "sshKey"),
    name,
    fingerprint: parsed.fingerprint,
    public_key: (body.public_key as string).trim(),
    labels: (body.labels as Record<string, string> | undefined) ?? {},
    created: timestamp(),
  };
  state.sshKeys.push(key);
  commit(ctx);
  return { status: 201, body: { ssh_key: view(key) } };
};

const update: Handler = (req, ctx) => {
  const key = find(ctx.store.state, idParam(req));
  const body = checkedBody(req, "/ssh_keys/{id}");
  if (typeof body.name === "string") {
    if (body.name.trim() === "") throw invalidField("name", "Shorter than minimum length 1.");
    assertNameFree(ctx.store.state, body.name, key.id);
    key.name = body.name;
  }
  if (body.labels) key.labels = body.labels as Record<string, string>;
  commit(ctx);
  return { status: 200, body: { ssh_key: view(key) } };
};

const remove: Handler = (req, ctx) => {
  const key = find(ctx.store.state, idParam(req));
  ctx.store.state.sshKeys = ctx.store.state.sshKeys.filter((k) => k.id !== key.id);
  commit(ctx);
  return { status: 204 };
};

export const sshKeyRoutes: Route<Handler>[] = [
  { method: "GET", template: "/ssh_keys", handler: list },
  { method: "POST", template: "/ssh_keys", handler: create },
  { method: "GET", template: "/ssh_keys/{id}", handler: get },
  { method: "PUT", template: "/ssh_keys/{id}", handler: update },
  { method: "DELETE", template: "/ssh_keys/{id}", handler: remove },
];
