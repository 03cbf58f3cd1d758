/**
 * Encryption of the sensitive values in state, as a wrapper around any backend: on the way out every
 * generated value (host private keys) and every string in observed outputs that contains a secret
 * value is sealed; on the way in they are opened. Each sealed value is bound (as associated data) to
 * the stack, lineage, serial and its path in the document, so a value copied from another stack, an
 * older version or another resource does not decrypt. The rest stays readable JSON, so `status`-like
 * tools and a human with `jq` can still see ids and addresses.
 */
import { UsageError } from "../errors.ts";
import { DecryptError, isSealed, open, seal } from "../secrets/cipher.ts";
import type { Encryption, Keyring } from "../secrets/keyring.ts";
import type { Redactor } from "../secrets/redact.ts";
import type { StateBackend, StateDocument } from "./state.ts";

type Transform = (value: string, path: string) => string;

/** Rebuilds `value` with `transform` applied to the strings `pick` selects. */
function mapStrings(
  value: unknown,
  path: string,
  pick: (s: string) => boolean,
  transform: Transform,
): unknown {
  if (typeof value === "string") return pick(value) ? transform(value, path) : value;
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, `${path}/${i}`, pick, transform));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mapStrings(v, `${path}/${pointer(k)}`, pick, transform)]),
    );
  }
  return value;
}

/** JSON Pointer escaping, so a key containing "/" cannot collide with a path. */
const pointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

function hasSealed(value: unknown): boolean {
  if (isSealed(value)) return true;
  if (Array.isArray(value)) return value.some(hasSealed);
  if (value && typeof value === "object") return Object.values(value).some(hasSealed);
  return false;
}

export class SealedStateBackend implements StateBackend {
  readonly location: string;
  private key: Buffer | undefined;
  private header: Encryption | undefined;
  private readonly inner: StateBackend;
  private readonly keyring: Keyring;
  private readonly secrets: Redactor;

  constructor(inner: StateBackend, keyring: Keyring, secrets: Redactor) {
    this.inner = inner;
    this.keyring = keyring;
    this.secrets = secrets;
    this.location = inner.location;
  }

  private aad(doc: StateDocument): (path: string) => string {
    return (path) => `slipway/state/${doc.stack}/${doc.lineage}/${doc.serial}${path}`;
  }

  async read(): Promise<StateDocument | null> {
    const doc = await this.inner.read();
    if (!doc) return null;
    const sealed = hasSealed(doc.resources) || hasSealed(doc.generated);
    if (!sealed) return doc;
    if (!doc.encryption) {
      throw new UsageError(`state file ${this.location} holds encrypted values but no encryption header`, {
        hint: "It was edited by hand or truncated; restore an earlier version from history/.",
      });
    }
    this.useHeader(doc.encryption);
    const aad = this.aad(doc);
    const unseal: Transform = (value, path) => {
      try {
        const plain = open(this.key!, value, aad(path));
        // Sealed once means sealed again on the next write, and masked in output, even if no
        // secret of this run matches it any more.
        this.secrets.add(plain);
        return plain;
      } catch (error) {
        if (!(error instanceof DecryptError)) throw error;
        throw new UsageError(`state file ${this.location}: the value at ${path} does not decrypt`, {
          hint: "It was altered or copied from another state; restore an earlier version from history/.",
        });
      }
    };
    return {
      ...doc,
      resources: mapStrings(doc.resources, "/resources", isSealed, unseal) as StateDocument["resources"],
      generated: mapStrings(doc.generated, "/generated", isSealed, unseal) as StateDocument["generated"],
    };
  }

  private useHeader(header: Encryption): void {
    if (this.header === header) return;
    this.key = this.keyring.unlock(header, this.location);
    this.header = header;
  }

  async write(doc: StateDocument): Promise<void> {
    const needsKey =
      Object.keys(doc.generated).length > 0 ||
      this.secrets.touches(Object.values(doc.resources).map((r) => r.outputs));
    if (!needsKey) return this.inner.write(doc);
    if (doc.encryption) this.useHeader(doc.encryption);
    else if (!this.header) {
      const fresh = this.keyring.forNewFile();
      this.header = fresh.header;
      this.key = fresh.key;
    }
    const aad = this.aad(doc);
    const sealValue: Transform = (value, path) => seal(this.key!, value, aad(path));
    const resources = Object.fromEntries(
      Object.entries(doc.resources).map(([address, entry]) => [
        address,
        {
          ...entry,
          outputs: mapStrings(
            entry.outputs,
            `/resources/${pointer(address)}/outputs`,
            (s) => this.secrets.touches(s),
            sealValue,
          ),
        },
      ]),
    );
    const generated = mapStrings(
      doc.generated,
      "/generated",
      () => true,
      sealValue,
    ) as StateDocument["generated"];
    await this.inner.write({ ...doc, resources, generated, encryption: this.header });
  }
}
