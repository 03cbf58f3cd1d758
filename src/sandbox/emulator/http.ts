/**
 * HTTP plumbing the sandbox's API emulators share: reading a JSON body, matching a path template, the
 * record of one exchange, waiting out an injected fault, and starting and closing the server. What an
 * API answers (envelope, error codes, authentication, headers) stays in its own emulator.
 */
import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { sleep } from "../../util/wait.ts";
import type { FaultService } from "../faults/plan.ts";
import type { ApiFaultSource } from "../faults/store.ts";

/** One request and its answer, as tests and the sandbox log see it. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly body: unknown;
}

export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
}

export function exchangeOf(req: IncomingMessage, url: URL, status: number, body: unknown): Exchange {
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    query: url.search.replace(/^\?/, ""),
    status,
    body,
  };
}

/** The request body parsed as JSON, undefined when empty; `malformed` is the API's own error for bad JSON. */
export async function readJsonBody(req: IncomingMessage, malformed: () => Error): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw malformed();
  }
}

/** The template's parameters (`/servers/{id}`) if `path` matches it, else null. */
export function matchPath(template: string, path: string): Readonly<Record<string, string>> | null {
  const want = template.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith("{") && w.endsWith("}")) {
      if (g === "") return null;
      params[w.slice(1, -1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

/**
 * Waits out the latency a fault plan injects for `service`, then returns the status of the failure it
 * injects (for the API to render in its own error format), or null when the request goes ahead.
 */
export async function injectedFailure(
  source: ApiFaultSource | undefined,
  service: FaultService,
): Promise<number | null> {
  const fault = source?.(service);
  if (!fault) return null;
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  return fault.failWith;
}

export interface Listening {
  readonly port: number;
  /** `host:port`, an IPv6 host in brackets: what goes after `http://`. */
  readonly authority: string;
  /** Stops listening and cuts open connections; closing twice is harmless. */
  close(): Promise<void>;
}

/** Listens on `host:port` (0: any free port). `onClose` runs once, as the first close() begins. */
export async function listen(
  server: HttpServer | HttpsServer,
  host: string,
  port: number,
  onClose?: () => void,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    port: bound,
    authority: `${host.includes(":") ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        closed = true;
        onClose?.();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
