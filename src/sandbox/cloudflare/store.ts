/**
 * Persistence of the Cloudflare emulator's state to one JSON file in the sandbox home, rewritten through
 * a temporary file and rename(2) after every mutation, so zones and records survive `sandbox down`/`up`
 * and a crash leaves the old or the new state, never half of one. Without a file it is memory only.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
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
    if (!file || !existsSync(file)) return new Store(emptyState(), file);
    let parsed: State;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8")) as State;
    } catch (error) {
      throw new Error(
        `${file}: not a readable Cloudflare emulator state (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (parsed.version !== 1) throw new Error(`${file}: unsupported state version ${String(parsed.version)}`);
    return new Store({ ...emptyState(), ...parsed }, file);
  }

  /** Called after every committed change: the DNS server and the edge follow the records this way. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  save(): void {
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
      renameSync(tmp, this.file);
    }
    for (const listener of this.listeners) listener();
  }
}
