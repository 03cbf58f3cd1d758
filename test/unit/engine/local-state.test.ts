// LocalStateBackend in a temp dir: atomic replace, history kept and pruned to 20, unreadable files explained.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { LocalStateBackend } from "../../../src/engine/local-state.ts";
import { emptyState, type StateDocument } from "../../../src/engine/state.ts";
import { UserError } from "../../../src/errors.ts";

let dir: string;
let backend: LocalStateBackend;
const base = emptyState("shop");
const at = (serial: number): StateDocument => ({ ...base, serial });

beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "slipway-state-")), ".slipway");
  backend = new LocalStateBackend(dir);
});

describe("LocalStateBackend", () => {
  it("reads nothing before the first write", async () => {
    expect(await backend.read()).toBeNull();
    expect(backend.location).toBe(join(dir, "state.json"));
  });

  it("reads back what it wrote, as indented JSON readable only by the owner", async () => {
    const doc = { ...at(1), resources: { "a.b": { kind: "a", id: "1", outputs: { x: 1 }, dependsOn: [] } } };
    await backend.write(doc);
    expect(await backend.read()).toEqual(doc);
    expect(readFileSync(join(dir, "state.json"), "utf8")).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(statSync(join(dir, "state.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "history")).mode & 0o777).toBe(0o700);
  });

  it("leaves no temporary file behind", async () => {
    await backend.write(at(1));
    await backend.write(at(2));
    expect(readdirSync(dir).sort()).toEqual(["history", "state.json"]);
  });

  it("keeps the document it replaces in history, named by its serial", async () => {
    await backend.write(at(1));
    expect(readdirSync(join(dir, "history"))).toEqual([]);
    await backend.write(at(2));
    expect(readdirSync(join(dir, "history"))).toEqual(["state.1.json"]);
    expect(JSON.parse(readFileSync(join(dir, "history", "state.1.json"), "utf8")).serial).toBe(1);
    expect((await backend.read())?.serial).toBe(2);
  });

  it("keeps only the 20 newest versions in history", async () => {
    for (let serial = 1; serial <= 25; serial++) await backend.write(at(serial));
    const kept = readdirSync(join(dir, "history"))
      .map((name) => Number(/^state\.(\d+)\.json$/.exec(name)?.[1]))
      .sort((a, b) => a - b);
    expect(kept).toEqual(Array.from({ length: 20 }, (_, i) => i + 5));
  });

  it("leaves files in history that are not versions alone", async () => {
    await backend.write(at(1));
    writeFileSync(join(dir, "history", "notes.txt"), "kept by hand");
    for (let serial = 2; serial <= 23; serial++) await backend.write(at(serial));
    expect(readdirSync(join(dir, "history"))).toContain("notes.txt");
  });

  it("explains a state file that is not JSON and where earlier versions are", async () => {
    await backend.write(at(1));
    writeFileSync(join(dir, "state.json"), '{"version": 1, "stack":');
    const error = await backend.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      new RegExp(`^state file ${join(dir, "state.json")} is not valid JSON: .+`),
    );
    expect((error as UserError).hint).toBe(
      `Earlier versions are kept in ${join(dir, "history")}/; copy the newest good one over it.`,
    );
  });

  it("explains a JSON file that is not a slipway state document", async () => {
    await backend.write(at(1));
    writeFileSync(join(dir, "state.json"), JSON.stringify({ ...at(1), version: 2 }));
    await expect(backend.read()).rejects.toThrow(
      `state file ${join(dir, "state.json")} is not a slipway state document (version 1)`,
    );
  });
});
