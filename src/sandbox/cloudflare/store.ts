/**
 * Persistence of the Cloudflare emulator's state to one JSON file in the sandbox home, rewritten through
 * a temporary file and rename(2) after every mutation, so zones and records survive `sandbox down`/`up`
 * and a crash leaves the old or the new state, never half of one. Without a file it is memory only.
 */
import { readStateFile, writeJsonFile } from "../emulator/json-file.ts";
import { emptyState, type State } from "./state.ts";

export class Store {
  readonly state: State;
  private readonly file: string | undefined;
  private readonly listeners: (() => void)[] = [];

  private constructor(state: State, file: string | undefined) {
    this.state = state;
    this.file = file;
  }

  static open(file: string | undefined): Store {
    const parsed = readStateFile<State>(file, "Cloudflare emulator state");
    return new Store({ ...emptyState(), ...parsed }, file);
  }

  /** Called after every committed change: the DNS server and the edge follow the records this way. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  save(): void {
    if (this.file) writeJsonFile(this.file, this.state);
    for (const listener of this.listeners) listener();
  }
}
