/**
 * State in a local directory (.slipway/ beside the stack file): state.json, replaced atomically
 * (write to a temporary file, then rename) so a crash never leaves half a document, and the previous
 * versions kept in history/ for recovery by hand.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { type StateBackend, StateDocument } from "./state.ts";

const HISTORY_KEPT = 20;

export class LocalStateBackend implements StateBackend {
  readonly location: string;
  private readonly file: string;
  private readonly history: string;

  constructor(dir: string) {
    this.file = join(dir, "state.json");
    this.history = join(dir, "history");
    this.location = this.file;
  }

  async read(): Promise<StateDocument | null> {
    if (!existsSync(this.file)) return null;
    const text = await readFile(this.file, "utf8");
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new UserError(`state file ${this.file} is not valid JSON: ${(error as Error).message}`, {
        hint: `Earlier versions are kept in ${this.history}/; copy the newest good one over it.`,
      });
    }
    const parsed = StateDocument.safeParse(raw);
    if (!parsed.success) {
      throw new UserError(`state file ${this.file} is not a slipway state document (version 1)`, {
        hint: `Earlier versions are kept in ${this.history}/.`,
      });
    }
    return parsed.data;
  }

  async write(doc: StateDocument): Promise<void> {
    await mkdir(this.history, { recursive: true, mode: 0o700 });
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    // Copy, then rename over: state.json exists at every instant, old or new, never neither.
    if (existsSync(this.file)) await copyFile(this.file, join(this.history, `state.${doc.serial - 1}.json`));
    await rename(temporary, this.file);
    await this.prune();
  }

  private async prune(): Promise<void> {
    const versions = (await readdir(this.history))
      .map((name) => ({ name, serial: Number(/^state\.(\d+)\.json$/.exec(name)?.[1]) }))
      .filter((v) => Number.isInteger(v.serial))
      .sort((a, b) => b.serial - a.serial);
    for (const old of versions.slice(HISTORY_KEPT)) await rm(join(this.history, old.name), { force: true });
  }
}
