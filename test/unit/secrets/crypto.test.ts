// Cipher, key sources, the encrypted secrets file and text masking: round trips, wrong keys named, nothing in clear.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.ts";
import { DecryptError, isSealed, open, seal } from "../../../src/secrets/cipher.ts";
import { Keyring, keySettings } from "../../../src/secrets/keyring.ts";
import { MASK, Redactor } from "../../../src/secrets/redact.ts";
import { SecretsFile, secretsFilePath } from "../../../src/secrets/secrets-file.ts";

const KEY = Buffer.alloc(32, 7);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-secrets-"));
});

function thrown(act: () => unknown): UsageError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("expected an error");
}

describe("seal and open", () => {
  it("round-trips any text and never repeats a ciphertext", () => {
    const text = 'pässwörd "quoted" \n 🔑';
    const a = seal(KEY, text, "here");
    expect(isSealed(a)).toBe(true);
    expect(a).not.toContain("quoted");
    expect(seal(KEY, text, "here")).not.toBe(a);
    expect(open(KEY, a, "here")).toBe(text);
  });

  it.each([
    ["another key", (s: string) => open(Buffer.alloc(32, 8), s, "here")],
    ["another place (associated data)", (s: string) => open(KEY, s, "there")],
    [
      "one flipped character",
      (s: string) => open(KEY, `${s.slice(0, -3)}${s.at(-3) === "A" ? "B" : "A"}${s.slice(-2)}`, "here"),
    ],
    ["a truncated value", (s: string) => open(KEY, s.slice(0, 20), "here")],
  ])("refuses a value opened with %s", (_, act) => {
    expect(() => act(seal(KEY, "secret", "here"))).toThrow(DecryptError);
  });
});

describe("Keyring", () => {
  it("creates a 0600 key file on first need when there is no passphrase, and says so", () => {
    const created: string[] = [];
    const keyring = new Keyring(keySettings({}, dir), (p) => created.push(p));
    const { header, key } = keyring.forNewFile();
    const path = join(dir, ".slipway", "key");
    expect(created).toEqual([path]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, "utf8").trim(), "base64")).toEqual(key);
    expect(header.kdf).toBe("key-file");
    expect(new Keyring(keySettings({}, dir)).unlock(header, "f.json")).toEqual(key);
  });

  it("prefers SLIPWAY_PASSPHRASE, stretched with scrypt and a salt kept in the header", () => {
    const keyring = new Keyring(keySettings({ SLIPWAY_PASSPHRASE: "correct horse" }, dir));
    const { header, key } = keyring.forNewFile();
    expect(header).toMatchObject({ kdf: "scrypt", n: 2 ** 15, r: 8, p: 1 });
    const again = new Keyring(keySettings({ SLIPWAY_PASSPHRASE: "correct horse" }, dir));
    expect(again.unlock(header, "f.json")).toEqual(key);
  });

  it("names the file and the fix for a wrong passphrase, a missing one, and a wrong or missing key file", () => {
    const byPassphrase = new Keyring(keySettings({ SLIPWAY_PASSPHRASE: "right" }, dir)).forNewFile().header;
    expect(
      thrown(() =>
        new Keyring(keySettings({ SLIPWAY_PASSPHRASE: "wrong" }, dir)).unlock(byPassphrase, "/x/state.json"),
      ).message,
    ).toBe("cannot decrypt /x/state.json: SLIPWAY_PASSPHRASE is not the passphrase it was encrypted with");
    const missing = thrown(() => new Keyring(keySettings({}, dir)).unlock(byPassphrase, "/x/state.json"));
    expect(missing.message).toBe(
      "/x/state.json is encrypted with a passphrase, and SLIPWAY_PASSPHRASE is not set",
    );
    expect(missing.hint).toContain("Export SLIPWAY_PASSPHRASE");

    const byFile = new Keyring(keySettings({}, dir)).forNewFile().header;
    const other = join(dir, "other.key");
    writeFileSync(other, Buffer.alloc(32, 1).toString("base64"));
    const wrong = thrown(() =>
      new Keyring(keySettings({ SLIPWAY_KEY_FILE: other }, dir)).unlock(byFile, "/x/s.json"),
    );
    expect(wrong.message).toMatch(
      /^cannot decrypt \/x\/s\.json: it was encrypted with key \w{12}, but .*other\.key holds key \w{12}$/,
    );
    expect(wrong.hint).toContain("SLIPWAY_KEY_FILE");
    const gone = thrown(() =>
      new Keyring(keySettings({ SLIPWAY_KEY_FILE: join(dir, "nope") }, dir)).unlock(byFile, "/x/s.json"),
    );
    expect(gone.message).toContain("the key file");
    expect(gone.message).toContain("does not exist");
  });

  it("never creates a key file named by SLIPWAY_KEY_FILE, and rejects one that holds no key", () => {
    const named = join(dir, "team.key");
    expect(
      thrown(() => new Keyring(keySettings({ SLIPWAY_KEY_FILE: named }, dir)).forNewFile()).message,
    ).toBe(`SLIPWAY_KEY_FILE: ${named} does not exist`);
    writeFileSync(named, "not a key\n");
    expect(
      thrown(() => new Keyring(keySettings({ SLIPWAY_KEY_FILE: named }, dir)).forNewFile()).message,
    ).toContain("does not hold a key: expected 32 bytes in base64");
  });
});

describe("SecretsFile", () => {
  const open = (env: NodeJS.ProcessEnv = {}) =>
    new SecretsFile(secretsFilePath(env, dir), new Keyring(keySettings(env, dir)));

  it("stores values sealed, names in clear, and reads them back in a new process", () => {
    const file = open();
    file.set("DATABASE_URL", "postgres://app:hunter2@db/app");
    file.set("API_TOKEN", "tok_123456");
    const text = readFileSync(join(dir, "slipway.secrets.json"), "utf8");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("tok_123456");
    expect(statSync(join(dir, "slipway.secrets.json")).mode & 0o777).toBe(0o600);
    const again = open();
    expect(again.names()).toEqual(["API_TOKEN", "DATABASE_URL"]);
    expect(again.get("DATABASE_URL")).toBe("postgres://app:hunter2@db/app");
    expect(again.get("MISSING")).toBeUndefined();
  });

  it("lists names without any key, and removes", () => {
    open({ SLIPWAY_PASSPHRASE: "p" }).set("A_KEY", "value-a");
    const noKey = open();
    expect(noKey.names()).toEqual(["A_KEY"]);
    expect(thrown(() => noKey.get("A_KEY")).message).toContain("SLIPWAY_PASSPHRASE is not set");
    expect(open({ SLIPWAY_PASSPHRASE: "p" }).remove("A_KEY")).toBe(true);
    expect(open().names()).toEqual([]);
    expect(open().remove("A_KEY")).toBe(false);
  });

  it("does not let a value be moved to another name", () => {
    const file = open();
    file.set("FIRST", "one-value");
    file.set("SECOND", "two-value");
    const path = join(dir, "slipway.secrets.json");
    const doc = JSON.parse(readFileSync(path, "utf8"));
    doc.secrets.SECOND = doc.secrets.FIRST;
    writeFileSync(path, JSON.stringify(doc));
    expect(thrown(() => open().get("SECOND")).message).toBe(
      `secrets file ${path}: the value of SECOND does not decrypt (altered or moved)`,
    );
  });

  it("explains a file that is not JSON or not a secrets file", () => {
    const path = join(dir, "slipway.secrets.json");
    writeFileSync(path, "{");
    expect(thrown(() => open().names()).message).toMatch(/^secrets file .* is not valid JSON/);
    writeFileSync(path, "{}");
    expect(thrown(() => open().names()).message).toBe(
      `secrets file ${path} is not a slipway secrets file (version 1)`,
    );
  });

  it("rejects a name that is not UPPER_SNAKE_CASE", () => {
    expect(thrown(() => open().set("lower", "x")).message).toContain(
      'UPPER_SNAKE_CASE such as DATABASE_URL, got "lower"',
    );
  });

  it("lives where SLIPWAY_SECRETS_FILE says", () => {
    expect(secretsFilePath({ SLIPWAY_SECRETS_FILE: "/etc/app/secrets.json" }, dir)).toBe(
      "/etc/app/secrets.json",
    );
  });
});

describe("Redactor", () => {
  it("masks every registered value, longest first, raw and JSON-escaped", () => {
    const r = new Redactor();
    r.add("hunter2");
    r.add("hunter2-and-more");
    r.add('quo"te\\d');
    expect(r.text("a hunter2-and-more b hunter2")).toBe(`a ${MASK} b ${MASK}`);
    expect(r.text(JSON.stringify({ v: 'quo"te\\d' }))).toBe(`{"v":"${MASK}"}`);
  });

  it("leaves text alone when nothing is registered, and very short values unmasked in text", () => {
    const r = new Redactor();
    expect(r.text("plain")).toBe("plain");
    r.add("ab");
    expect(r.text("abc")).toBe("abc");
    expect(r.touches({ deep: ["xaby"] })).toBe(true);
    expect(r.touches({ deep: ["xy"] })).toBe(false);
  });
});
