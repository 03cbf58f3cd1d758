/**
 * An in-memory MachineDriver for emulator tests: it records every call, keeps each machine's power
 * state, and can be told to fail an operation (`failNext`) or to hold it until released (`hold`), so
 * tests can observe actions while they are still running and assert `locked`.
 */
import type { MachineDriver, MachinePower, MachineSpec } from "../../src/sandbox/hetzner/machine-driver.ts";

export type DriverOp = "create" | "powerOn" | "powerOff" | "shutdown" | "reboot" | "destroy" | "power";

export interface DriverCall {
  readonly op: DriverOp;
  readonly id: number;
}

export class MemoryDriver implements MachineDriver {
  readonly calls: DriverCall[] = [];
  readonly machines = new Map<number, { spec: MachineSpec; power: "running" | "off" }>();
  private readonly failures = new Map<DriverOp, string[]>();
  private readonly holds = new Map<DriverOp, Promise<void>>();

  /** The next call of `op` throws an Error with `message`. */
  failNext(op: DriverOp, message: string): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), message]);
  }

  /** Calls of `op` wait until the returned function is called. */
  hold(op: DriverOp): () => void {
    let release = () => {};
    this.holds.set(op, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(op);
      release();
    };
  }

  /** Call ops in order, without the `power` reads (the emulator's bookkeeping, not effects). */
  effects(): string[] {
    return this.calls.filter((c) => c.op !== "power").map((c) => `${c.op} ${c.id}`);
  }

  private async enter(op: DriverOp, id: number): Promise<void> {
    this.calls.push({ op, id });
    const held = this.holds.get(op);
    if (held) await held;
    const queue = this.failures.get(op);
    const message = queue?.shift();
    if (message !== undefined) throw new Error(message);
  }

  private machine(id: number) {
    const m = this.machines.get(id);
    if (!m) throw new Error(`machine ${id} does not exist`);
    return m;
  }

  async create(spec: MachineSpec): Promise<void> {
    await this.enter("create", spec.id);
    this.machines.set(spec.id, { spec, power: "running" });
  }
  async powerOn(id: number): Promise<void> {
    await this.enter("powerOn", id);
    this.machine(id).power = "running";
  }
  async powerOff(id: number): Promise<void> {
    await this.enter("powerOff", id);
    this.machine(id).power = "off";
  }
  async shutdown(id: number): Promise<void> {
    await this.enter("shutdown", id);
    this.machine(id).power = "off";
  }
  async reboot(id: number): Promise<void> {
    await this.enter("reboot", id);
    this.machine(id).power = "running";
  }
  async destroy(id: number): Promise<void> {
    await this.enter("destroy", id);
    this.machines.delete(id);
  }
  async power(id: number): Promise<MachinePower> {
    await this.enter("power", id);
    return this.machines.get(id)?.power ?? "missing";
  }
}
