// Sealed state: what is encrypted, what stays readable, and values moved or stripped of their header refused.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { LocalStateBackend } from "../../../src/engine/local-state.ts";
import { SealedStateBackend } from "../../../src/engine/sealed-state.ts";
import { emptyState, type StateDocument } from "../../../src/engine/state.ts";
import { Keyring, keySettings } from "../../../src/secrets/keyring.ts";
import { Redactor } from "../../../src/secrets/redact.ts";

let dir: string;
const stateFile = () => join(dir, ".slipway", "state.json");
const raw = () => JSON.parse(readFileSync(stateFile(), "utf8")) as StateDocument;

function backend(secrets: string[] = []) {
  const redactor = new Redactor();
  for (const s of secrets) redactor.add(s);
  const keyring = new Keyring(keySettings({}, dir));
  return new SealedStateBackend(new LocalStateBackend(join(dir, ".slipway")), keyring, redactor);
}

function doc(outputs: Record<string, unknown>, generated: StateDocument["generated"] = {}): StateDocument {
  const base = emptyState("shop");
  const resources = Object.fromEntries(
    Object.entries(outputs).map(([address, out]) => [
      address,
      { kind: "k", id: address, outputs: out, dependsOn: [] },
    ]),
  );
  return { ...base, serial: 1, resources, generated };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-sealed-"));
});

describe("SealedStateBackend", () => {
  it("writes a document without secrets as it is, and needs no key for it", async () => {
    const plain = doc({ "k.a": { name: "a", ip: "10.0.0.2" } });
    await backend().write(plain);
    expect(raw()).toEqual(plain);
    expect(existsSync(join(dir, ".slipway", "key"))).toBe(false);
  });

  it("seals generated values and output strings that contain a secret; the rest stays readable", async () => {
    await backend(["hunter2"]).write(
      doc(
        { "k.a": { name: "a", url: "pg://u:hunter2@db", tags: ["x", "hunter2"] } },
        { "k.a": { hostKeyPrivate: "PRIVATE" } },
      ),
    );
    const written = raw();
    const outputs = written.resources["k.a"]!.outputs as { name: string; url: string; tags: string[] };
    expect(outputs.name).toBe("a");
    expect(outputs.url).toMatch(/^slipway:v1:/);
    expect(outputs.tags[0]).toBe("x");
    expect(outputs.tags[1]).toMatch(/^slipway:v1:/);
    expect(written.generated["k.a"]!.hostKeyPrivate).toMatch(/^slipway:v1:/);
    expect(written.encryption?.kdf).toBe("key-file");
    const back = await backend().read();
    expect(back?.resources["k.a"]?.outputs).toEqual({
      name: "a",
      url: "pg://u:hunter2@db",
      tags: ["x", "hunter2"],
    });
    expect(back?.generated["k.a"]?.hostKeyPrivate).toBe("PRIVATE");
  });

  it("keeps a value sealed on later writes even when no secret of the run matches it any more", async () => {
    await backend(["hunter2"]).write(doc({ "k.a": { url: "pg://hunter2" } }));
    const next = backend(); // a later run: the secret left the stack, its value is still in outputs
    const read = (await next.read())!;
    await next.write({ ...read, serial: 2 });
    expect((raw().resources["k.a"]!.outputs as { url: string }).url).toMatch(/^slipway:v1:/);
  });

  it("refuses a sealed value moved to another resource", async () => {
    await backend(["s3cret"]).write(doc({ "k.a": { v: "s3cret-a" }, "k.b": { v: "s3cret-b" } }));
    const moved = raw();
    (moved.resources["k.b"]!.outputs as { v: string }).v = (
      moved.resources["k.a"]!.outputs as { v: string }
    ).v;
    writeFileSync(stateFile(), JSON.stringify(moved));
    await expect(backend().read()).rejects.toThrow(
      `state file ${stateFile()}: the value at /resources/k.b/outputs/v does not decrypt`,
    );
  });

  it("refuses sealed values without their header", async () => {
    await backend(["s3cret"]).write(doc({ "k.a": { v: "s3cret" } }));
    const { encryption: _gone, ...stripped } = raw();
    writeFileSync(stateFile(), JSON.stringify(stripped));
    await expect(backend().read()).rejects.toThrow("holds encrypted values but no encryption header");
  });
});
