/**
 * Health read back from haproxy: `show stat` on the stats socket answers CSV, one row per frontend,
 * backend and server. A server row of backend `service-<port>` gives that target's state for that
 * service: UP (also "UP 1/3", still up while failures accumulate) is healthy, DOWN (also "DOWN 1/2")
 * unhealthy, and anything before the first check (check_status INI) or without checks unknown, as the
 * API reports a target that has not been checked yet.
 */
import { connect } from "node:net";
import type { HealthStatus, TargetHealth } from "../hetzner/load-balancer-driver.ts";
import { targetKeyOf } from "./haproxy-config.ts";

function statusOf(status: string, checkStatus: string): HealthStatus {
  if (checkStatus.startsWith("INI") || checkStatus === "") return "unknown";
  if (status.startsWith("UP")) return "healthy";
  if (status.startsWith("DOWN")) return "unhealthy";
  return "unknown";
}

/** Target health from `show stat` CSV output. */
export function parseStats(csv: string): TargetHealth[] {
  const [header, ...rows] = csv.split("\n");
  if (!header?.startsWith("# ")) return [];
  const columns = header.slice(2).split(",");
  const col = (name: string) => columns.indexOf(name);
  const [px, sv, st, chk] = [col("pxname"), col("svname"), col("status"), col("check_status")];
  const out: TargetHealth[] = [];
  for (const row of rows) {
    const cells = row.split(",");
    const port = /^service-(\d+)$/.exec(cells[px] ?? "")?.[1];
    const target = targetKeyOf(cells[sv] ?? "");
    if (port === undefined || target === null) continue;
    out.push({ listenPort: Number(port), target, status: statusOf(cells[st] ?? "", cells[chk] ?? "") });
  }
  return out;
}

/** Sends one command to a haproxy stats socket and returns the whole answer. */
export function statsCommand(socketPath: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`${socketPath}: no answer in ${timeoutMs} ms`)),
    );
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}
