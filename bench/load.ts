/**
 * A bounded HTTPS load generator for deploy tests: a steady stream of GETs at a fixed rate, alternating
 * between a keep-alive agent (reused connections, where a proxy reload shows up as ECONNRESET) and fresh
 * connections (where a closed port shows up as ECONNREFUSED). Every request is counted: 2xx, other
 * statuses, and connection errors by code. Traffic goes only where the caller points it (a loopback
 * address in tests and benchmarks), and stops at `stop()` or after `maxRequests`.
 */
import https from "node:https";

export interface LoadTarget {
  /** Address to connect to, e.g. "127.0.1.3". */
  address: string;
  /** Host name sent as SNI and Host header. */
  host: string;
  path: string;
  /** PEM bundle that verifies the server certificate. */
  ca: string;
}

export interface LoadCounts {
  sent: number;
  ok: number;
  /** Non-2xx responses by status code. */
  statuses: Record<string, number>;
  /** Connection-level failures by error code. */
  errors: Record<string, number>;
  /** Distinct bodies' first line seen (which release answered), with counts. */
  bodies: Record<string, number>;
}

export interface Load {
  counts: LoadCounts;
  /** Failed requests so far: non-2xx plus connection errors. */
  failed(): number;
  /** Stops sending and resolves once every request in flight has finished. */
  stop(): Promise<LoadCounts>;
}

export function startLoad(
  target: LoadTarget,
  options: { ratePerSecond: number; maxRequests: number; timeoutMs?: number },
): Load {
  const keepAlive = new https.Agent({ keepAlive: true, maxSockets: 16, ca: target.ca });
  const counts: LoadCounts = { sent: 0, ok: 0, statuses: {}, errors: {}, bodies: {} };
  const inFlight = new Set<Promise<void>>();
  const bump = (record: Record<string, number>, key: string) => {
    record[key] = (record[key] ?? 0) + 1;
  };

  const one = (fresh: boolean) =>
    new Promise<void>((resolve) => {
      const req = https.request(
        {
          host: target.address,
          servername: target.host,
          headers: { host: target.host },
          path: target.path,
          ca: target.ca,
          agent: fresh ? false : keepAlive,
          timeout: options.timeoutMs ?? 10_000,
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            if (body.length < 200) body += chunk;
          });
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              counts.ok++;
              bump(
                counts.bodies,
                body
                  .split("\n")[0]!
                  .replace(/\(served by [^)]*\)/, "")
                  .trim(),
              );
            } else bump(counts.statuses, String(status));
            resolve();
          });
          res.on("error", (error: NodeJS.ErrnoException) => {
            bump(counts.errors, error.code ?? error.message);
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
      req.on("error", (error: NodeJS.ErrnoException) => {
        bump(counts.errors, error.code ?? error.message);
        resolve();
      });
      req.end();
    });

  const interval = 1000 / options.ratePerSecond;
  const started = performance.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Schedules against the start time rather than chaining delays, so the rate holds under timer drift.
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - started) / interval) + 1;
    while (counts.sent < due && counts.sent < options.maxRequests) {
      const fresh = counts.sent % 2 === 1;
      counts.sent++;
      const request = one(fresh);
      inFlight.add(request);
      void request.then(() => inFlight.delete(request));
    }
    if (counts.sent >= options.maxRequests) stopped = true;
    else timer = setTimeout(tick, Math.max(1, interval / 2));
  };
  tick();

  const failed = () =>
    Object.values(counts.statuses).reduce((a, b) => a + b, 0) +
    Object.values(counts.errors).reduce((a, b) => a + b, 0);

  return {
    counts,
    failed,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...inFlight]);
      keepAlive.destroy();
      return counts;
    },
  };
}
