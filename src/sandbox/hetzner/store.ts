/**
 * Persistence of the emulator's state to one JSON file. Every mutation rewrites the whole file through a
 * temporary file and rename(2), so a crash leaves either the old or the new state, never half of one.
 * Writes are synchronous: state is small, and ordering then needs no queue. Without a data file the
 * store is memory only and `save` does nothing.
 */
import { readStateFile, writeJsonFile } from "../emulator/json-file.ts";
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
    const parsed = readStateFile<State>(file, "emulator state");
    if (!parsed) return new Store(emptyState(), file);
    const empty = emptyState();
    // Kinds added after the file was written start at their own sequence rather than at undefined.
    return new Store({ ...empty, ...parsed, nextId: { ...empty.nextId, ...parsed.nextId } }, file);
  }

  save(): void {
    if (this.file) writeJsonFile(this.file, this.state);
  }
}
