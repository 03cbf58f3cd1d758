/**
 * In-memory load balancer and volume drivers for emulator tests. Each records every call in order as a
 * short string (`apply 8000001`, `attach 9000001 1000001`), keeps what a real driver would hold (the
 * last applied spec, which volume sits on which server) and can be told to fail its next call of an
 * operation. Load balancer health is whatever the test sets, as if haproxy had reported it.
 */
import type {
  LoadBalancerDriver,
  LoadBalancerSpec,
  TargetHealth,
} from "../../src/sandbox/hetzner/load-balancer-driver.ts";
import type { VolumeAttachment, VolumeDriver } from "../../src/sandbox/hetzner/volume-driver.ts";

class Recorder {
  readonly calls: string[] = [];
  private readonly failures = new Map<string, string[]>();

  failNext(op: string, message: string): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), message]);
  }

  protected enter(op: string, ...args: (string | number)[]): void {
    this.calls.push([op, ...args].join(" "));
    const message = this.failures.get(op)?.shift();
    if (message !== undefined) throw new Error(message);
  }
}

export class RecordingLoadBalancerDriver extends Recorder implements LoadBalancerDriver {
  readonly specs = new Map<number, LoadBalancerSpec>();
  private readonly healths = new Map<number, TargetHealth[]>();

  setHealth(id: number, health: TargetHealth[]): void {
    this.healths.set(id, health);
  }

  async apply(spec: LoadBalancerSpec): Promise<void> {
    this.enter("apply", spec.id);
    this.specs.set(spec.id, spec);
  }
  async destroy(id: number): Promise<void> {
    this.enter("destroy", id);
    this.specs.delete(id);
  }
  async health(id: number): Promise<TargetHealth[]> {
    return this.specs.has(id) ? (this.healths.get(id) ?? []) : [];
  }
  async prune(keep: readonly number[]): Promise<void> {
    this.enter("prune", ...keep);
    for (const id of this.specs.keys()) if (!keep.includes(id)) this.specs.delete(id);
  }
}

export class RecordingVolumeDriver extends Recorder implements VolumeDriver {
  /** Volume id → the server it is mounted on, or null. */
  readonly volumes = new Map<number, { format: string | null; server: number | null }>();

  async create(id: number, format: "ext4" | "xfs" | null): Promise<void> {
    this.enter("create", id, format ?? "raw");
    this.volumes.set(id, { format, server: null });
  }
  async attach(id: number, serverId: number): Promise<void> {
    this.enter("attach", id, serverId);
    const volume = this.volumes.get(id);
    if (!volume) throw new Error(`volume ${id} does not exist`);
    volume.server = serverId;
  }
  async detach(id: number): Promise<void> {
    this.enter("detach", id);
    const volume = this.volumes.get(id);
    if (volume) volume.server = null;
  }
  async destroy(id: number): Promise<void> {
    this.enter("destroy", id);
    this.volumes.delete(id);
  }
  async restore(attachments: readonly VolumeAttachment[]): Promise<void> {
    this.enter("restore", ...attachments.map((a) => `${a.volumeId}@${a.serverId}`));
  }
}
