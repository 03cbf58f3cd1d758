/**
 * The sandbox's S3-compatible object store: an HTTPS server (node:https, no framework) that checks
 * SigV4 on every request, persists to a directory (store.ts) and answers like AWS S3, including the
 * conditional writes a state lock relies on. Tests start it on an ephemeral port; the sandbox daemon
 * starts it for `slipway sandbox up`.
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { injectedFailure, listen } from "../emulator/http.ts";
import type { ApiFaultSource } from "../faults/store.ts";
import { S3Error } from "./errors.ts";
import { type Exchange, sendError } from "./http.ts";
import { Uploads } from "./multipart.ts";
import { dispatch, resolveTarget } from "./router.ts";
import { authenticate, type Credentials, splitUrl } from "./sigv4.ts";
import { S3Store } from "./store.ts";

export interface S3ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM certificate and key; without them the store speaks plain HTTP (tests of HTTP clients only). */
  tls?: { cert: string; key: string };
  dataDir: string;
  credentials: Credentials;
  region: string;
  /** Buckets are also reachable as `<bucket>.<domain>` (virtual-hosted style). */
  virtualHostDomain?: string;
  /** Largest single PUT; AWS's is 5 GiB. */
  maxObjectSize?: number;
  /** Injected latency and errors (`slipway sandbox fault api s3`). */
  fault?: ApiFaultSource;
}

/** S3's answers to the transient statuses a fault may inject; SDKs retry each of them. */
const FAULT_ERRORS: Record<number, S3Error["code"]> = {
  429: "SlowDown",
  500: "InternalError",
  503: "SlowDown",
  504: "ServiceUnavailable",
};

export interface S3Server {
  /** e.g. https://127.0.0.1:43123 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const store = await S3Store.open(options.dataDir);
  const uploads = await Uploads.open(options.dataDir);
  const settings = { region: options.region, maxObjectSize: options.maxObjectSize ?? 5 * 1024 ** 3 };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomBytes(8).toString("hex").toUpperCase();
    res.setHeader("x-amz-request-id", requestId);
    res.setHeader("x-amz-id-2", randomBytes(24).toString("base64"));
    res.setHeader("server", "AmazonS3");
    try {
      const failWith = await injectedFailure(options.fault, "s3");
      if (failWith !== null) {
        const code = FAULT_ERRORS[failWith] ?? "InternalError";
        throw new S3Error(code, {}, "Injected by slipway sandbox fault.", failWith);
      }
      const url = req.url ?? "/";
      const query = new URLSearchParams(splitUrl(url)[1]);
      const target = resolveTarget(url, req.headers.host, options.virtualHostDomain);
      const auth = authenticate(
        { method: req.method ?? "GET", url, rawHeaders: req.rawHeaders },
        { credentials: options.credentials, region: options.region, anyRegion: query.has("location") },
      );
      const ex: Exchange = { req, res, requestId, ...target, query, auth, store, uploads, settings };
      await dispatch(ex);
    } catch (error) {
      const s3Error = error instanceof S3Error ? error : internal(error);
      await sendError(req, res, s3Error, requestId);
    }
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  server.keepAliveTimeout = 30_000;
  // Node cuts requests after 5 minutes by default; a multi-gigabyte backup upload may take longer.
  server.requestTimeout = 0;
  const listening = await listen(server, options.host, options.port);
  return {
    url: `${options.tls ? "https" : "http"}://${listening.authority}`,
    port: listening.port,
    close: listening.close,
  };
}

function internal(error: unknown): S3Error {
  console.error("s3: internal error", error);
  return new S3Error("InternalError");
}
