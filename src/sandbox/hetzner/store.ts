/**
 * Persistence of the emulator's state to one JSON file. Every mutation rewrites the whole file through a
 * temporary file and rename(2), so a crash leaves either the old or the new state, never half of one.
 * Writes are synchronous: state is small, and ordering then needs no queue. Without a data file the
 * store is memory only and `save` does nothing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { emptyState, type State } from "./state.ts";

export class Store {
  readonly state: State;
  private readonly file: string | undefined;

  private constructor(state: State, file: string | undefined) {
    this.state = state;
    this.file = file;
  }

  /** Loads the state from `file` if it exists, else starts empty (and memory only without a file). */
  static open(file: string | undefined): Store {
    if (!file || !existsSync(file)) return new Store(emptyState(), file);
    let parsed: State;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8")) as State;
    } catch (error) {
      throw new Error(
        `${file}: not a readable emulator state (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (parsed.version !== 1) throw new Error(`${file}: unsupported state version ${String(parsed.version)}`);
    const empty = emptyState();
    // Kinds added after the file was written start at their own sequence rather than at undefined.
    return new Store({ ...empty, ...parsed, nextId: { ...empty.nextId, ...parsed.nextId } }, file);
  }

  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}
