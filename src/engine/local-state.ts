/**
 * State in a local directory (.slipway/ beside the stack file): state.json, replaced atomically
 * (write to a temporary file, then rename) so a crash never leaves half a document, and the previous
 * versions kept in history/ for recovery by hand.
 */
import { existsSync } from "node:fs";
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { type StateBackend, StateDocument } from "./state.ts";

const HISTORY_KEPT = 20;

export class LocalStateBackend implements StateBackend {
  readonly location: string;
  private readonly file: string;
  private readonly history: string;
  /** Serials in history/, oldest first; read once, then kept up to date. */
  private versions: number[] | undefined;

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
    if (!this.versions) {
      await mkdir(this.history, { recursive: true, mode: 0o700 });
      this.versions = (await readdir(this.history))
        .map((name) => Number(/^state\.(\d+)\.json$/.exec(name)?.[1]))
        .filter((serial) => Number.isInteger(serial))
        .sort((a, b) => a - b);
    }
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    // Keep the replaced version under a second name (a hard link: no copy), then rename over:
    // state.json exists at every instant, old or new, never neither. A run writes after every
    // operation, so this path is kept to a few metadata operations.
    if (existsSync(this.file)) {
      const previous = doc.serial - 1;
      const kept = join(this.history, `state.${previous}.json`);
      await rm(kept, { force: true });
      await link(this.file, kept);
      if (!this.versions.includes(previous)) this.versions.push(previous);
    }
    await rename(temporary, this.file);
    while (this.versions.length > HISTORY_KEPT) {
      await rm(join(this.history, `state.${this.versions.shift()}.json`), { force: true });
    }
  }
}
