/**
 * hetzner.sshKey: a public key in the Hetzner project, given to servers at creation (root's
 * authorized_keys). A key with the same fingerprint that slipway did not create (the user uploaded it)
 * is used as it is and never renamed, relabelled or deleted.
 */
import { change, type ResourceKind } from "../../engine/resource.ts";
import type { HetznerClient } from "./client.ts";
import { ensure, isNotFound } from "./errors.ts";
import { STACK_LABEL } from "./labels.ts";
import { sshKeyFingerprint } from "./ssh-key-fingerprint.ts";

export interface SshKeyInput {
  name: string;
  publicKey: string;
  labels: Record<string, string>;
}

export interface ObservedSshKey {
  id: number;
  name: string;
  fingerprint: string;
  labels: Record<string, string>;
  /** Not created by this stack: used, never changed or deleted. */
  foreign: boolean;
}

interface ApiSshKey {
  id: number;
  name: string;
  fingerprint: string;
  labels: Record<string, string>;
}

export function fromApiSshKey(key: ApiSshKey, stack: string | undefined): ObservedSshKey {
  return {
    id: key.id,
    name: key.name,
    fingerprint: key.fingerprint,
    labels: key.labels,
    foreign: key.labels[STACK_LABEL] !== stack,
  };
}

export const sshKey: ResourceKind<SshKeyInput, ObservedSshKey, { hetzner: HetznerClient }> = {
  kind: "hetzner.sshKey",
  id: (key) => String(key.id),

  async read({ hetzner }, id, want) {
    const result = await hetzner.GET("/ssh_keys/{id}", { params: { path: { id: Number(id) } } });
    if (isNotFound(result)) return null;
    return fromApiSshKey(ensure(result, `read SSH key ${id}`).ssh_key, want.labels[STACK_LABEL]);
  },

  async find({ hetzner }, want) {
    const fingerprint = sshKeyFingerprint(want.publicKey);
    const result = await hetzner.GET("/ssh_keys", { params: { query: { fingerprint } } });
    const [key] = ensure(result, `look up SSH key ${fingerprint}`).ssh_keys;
    return key ? fromApiSshKey(key, want.labels[STACK_LABEL]) : null;
  },

  diff(want, have) {
    const fingerprint = change("fingerprint", have.fingerprint, sshKeyFingerprint(want.publicKey), {
      forcesReplace: true,
    });
    if (have.foreign) return fingerprint;
    return [
      ...fingerprint,
      ...change("name", have.name, want.name),
      ...change("labels", have.labels, want.labels),
    ];
  },

  describe: (want) => ({
    name: want.name,
    fingerprint: sshKeyFingerprint(want.publicKey),
    labels: want.labels,
  }),

  async create({ hetzner }, want) {
    const body = { name: want.name, public_key: want.publicKey, labels: want.labels };
    const result = await hetzner.POST("/ssh_keys", { body });
    return fromApiSshKey(ensure(result, `create SSH key ${want.name}`).ssh_key, want.labels[STACK_LABEL]);
  },

  async update({ hetzner }, have, want) {
    const result = await hetzner.PUT("/ssh_keys/{id}", {
      params: { path: { id: have.id } },
      body: { name: want.name, labels: want.labels },
    });
    return fromApiSshKey(ensure(result, `update SSH key ${have.name}`).ssh_key, want.labels[STACK_LABEL]);
  },

  async delete({ hetzner }, have) {
    if (have.foreign) return;
    const result = await hetzner.DELETE("/ssh_keys/{id}", { params: { path: { id: have.id } } });
    if (isNotFound(result)) return;
    if (!result.response.ok) ensure({ ...result, data: undefined }, `delete SSH key ${have.name}`);
  },
};
