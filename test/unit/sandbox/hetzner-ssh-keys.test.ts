import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import { KEYS } from "../../support/ssh-keys.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

describe("POST /ssh_keys", () => {
  it.each(Object.entries(KEYS).slice(0, 3))(
    "stores a %s key with ssh-keygen's MD5 fingerprint",
    async (type, key) => {
      const res = await emu.api("POST", "/ssh_keys", {
        name: `key-${type}`,
        public_key: key.publicKey,
        labels: { type },
      });
      expect(res.status).toBe(201);
      expect(res.body.ssh_key).toMatchObject({
        name: `key-${type}`,
        fingerprint: key.fingerprint,
        public_key: key.publicKey,
        labels: { type },
      });
      expect(res.body.ssh_key.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    },
  );

  it.each([
    [
      "a name already taken",
      { name: "key-ed25519", public_key: KEYS.second.publicKey },
      409,
      {
        code: "uniqueness_error",
        message: "SSH key with the same name already exists",
        details: { fields: [{ name: "name" }] },
      },
    ],
    [
      "a key already stored under another name and comment",
      { name: "again", public_key: KEYS.rsa.publicKey.replace("fixture-rsa", "other comment") },
      409,
      {
        code: "uniqueness_error",
        message: "SSH key with the same fingerprint already exists",
        details: { fields: [{ name: "public_key" }] },
      },
    ],
    [
      "a key that does not parse",
      { name: "bad", public_key: "ssh-ed25519 AAAAnotakey" },
      422,
      {
        code: "invalid_input",
        message:
          "invalid input in field 'public_key': invalid public key: expected an OpenSSH public key line",
        details: {
          fields: [
            { name: "public_key", messages: ["invalid public key: expected an OpenSSH public key line"] },
          ],
        },
      },
    ],
    [
      "missing fields",
      {},
      422,
      {
        code: "invalid_input",
        message: "invalid input in field 'name': Missing data for required field.",
        details: {
          fields: [
            { name: "name", messages: ["Missing data for required field."] },
            { name: "public_key", messages: ["Missing data for required field."] },
          ],
        },
      },
    ],
    [
      "labels breaking the label rules",
      { name: "labelled", public_key: KEYS.fourth.publicKey, labels: { "hetzner.cloud/x": "y" } },
      422,
      {
        code: "invalid_input",
        message:
          "invalid input in field 'labels': label key 'hetzner.cloud/x' uses the reserved prefix 'hetzner.cloud/'",
        details: {
          fields: [
            {
              name: "labels",
              messages: ["label key 'hetzner.cloud/x' uses the reserved prefix 'hetzner.cloud/'"],
            },
          ],
        },
      },
    ],
    [
      "a label value of the wrong type",
      { name: "labelled", public_key: KEYS.fourth.publicKey, labels: { a: 1 } },
      422,
      {
        code: "invalid_input",
        message: "invalid input in field 'labels.a': Not a valid string.",
        details: { fields: [{ name: "labels.a", messages: ["Not a valid string."] }] },
      },
    ],
  ])("refuses %s", async (_, body, status, error) => {
    const res = await emu.api("POST", "/ssh_keys", body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error });
  });
});

describe("GET, PUT and DELETE /ssh_keys/{id}", () => {
  it("reads, renames, relabels and deletes a key", async () => {
    const created = (await emu.api("POST", "/ssh_keys", { name: "temp", public_key: KEYS.second.publicKey }))
      .body.ssh_key;
    expect((await emu.api("GET", `/ssh_keys/${created.id}`)).body.ssh_key).toEqual(created);

    const renamed = await emu.api("PUT", `/ssh_keys/${created.id}`, {
      name: "renamed",
      labels: { role: "deploy" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.ssh_key).toEqual({ ...created, name: "renamed", labels: { role: "deploy" } });

    const clash = await emu.api("PUT", `/ssh_keys/${created.id}`, { name: "key-rsa" });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("uniqueness_error");

    const deleted = await emu.api("DELETE", `/ssh_keys/${created.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    expect((await emu.api("GET", `/ssh_keys/${created.id}`)).status).toBe(404);
    expect((await emu.api("DELETE", `/ssh_keys/${created.id}`)).body.error.code).toBe("not_found");
  });

  it("keeps the name when renamed to itself", async () => {
    const id = (await emu.api("GET", "/ssh_keys?name=key-rsa")).body.ssh_keys[0].id;
    const res = await emu.api("PUT", `/ssh_keys/${id}`, { name: "key-rsa" });
    expect(res.body.ssh_key.name).toBe("key-rsa");
  });
});
