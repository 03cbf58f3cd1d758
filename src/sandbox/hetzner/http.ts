/**
 * One HTTP exchange, end to end: rate limit, authentication, JSON body, routing, error rendering and the
 * headers Hetzner sends on every response (RateLimit-Limit/-Remaining/-Reset, X-Correlation-Id).
 * The rate limit is taken before authentication, as the spec says all requests count, authenticated or not.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Exchange, exchangeOf, injectedFailure, readJsonBody, requestUrl } from "../emulator/http.ts";
import type { ApiFaultSource } from "../faults/store.ts";
import type { ApiResponse, Context, Handler } from "./context.ts";
import { ApiError, type ErrorCode } from "./errors.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { type Route, resolveRoute } from "./router.ts";
import { specHasOperation, specPaths } from "./spec.ts";

export type { Exchange } from "../emulator/http.ts";

export interface HttpDeps {
  readonly routes: readonly Route<Handler>[];
  readonly ctx: Context;
  readonly token: string;
  readonly limiter: RateLimiter;
  readonly onExchange?: (e: Exchange) => void;
  /** Injected faults (`slipway sandbox fault api hetzner`): latency and transient errors. */
  readonly fault?: ApiFaultSource;
}

const BASE = "/v1";
const specIndex = { paths: specPaths, hasOperation: specHasOperation };

async function dispatch(req: IncomingMessage, url: URL, deps: HttpDeps): Promise<ApiResponse> {
  if (req.headers.authorization !== `Bearer ${deps.token}`) {
    throw new ApiError("unauthorized", "unable to authenticate");
  }
  if (url.pathname !== BASE && !url.pathname.startsWith(`${BASE}/`))
    throw new ApiError("not_found", "not found");
  const path = url.pathname.slice(BASE.length) || "/";
  const method = (req.method ?? "GET").toUpperCase();
  const { route, params } = resolveRoute(deps.routes, specIndex, method, path);
  const body = await readJsonBody(req, () => new ApiError("json_error", "invalid JSON in the request body"));
  return route.handler({ method, path, params, query: url.searchParams, body, url }, deps.ctx);
}

/** Codes Hetzner answers transient failures with, by status. */
const FAULT_CODES: Record<number, [ErrorCode, string]> = {
  429: ["rate_limit_exceeded", "limit of requests per hour reached"],
  500: ["server_error", "internal server error"],
  503: ["unavailable", "service temporarily unavailable"],
  504: ["timeout", "request timed out"],
};

async function injectFault(source: ApiFaultSource | undefined): Promise<void> {
  const failWith = await injectedFailure(source, "hetzner");
  if (failWith !== null) {
    const [code, message] = FAULT_CODES[failWith] ?? ["server_error", "internal server error"];
    throw new ApiError(code, `${message} (injected by slipway sandbox fault)`);
  }
}

export async function handleExchange(
  req: IncomingMessage,
  res: ServerResponse,
  deps: HttpDeps,
): Promise<void> {
  const url = requestUrl(req);
  const { allowed, state } = deps.limiter.take();
  let response: ApiResponse;
  try {
    if (!allowed) throw new ApiError("rate_limit_exceeded", "limit of requests per hour reached");
    await injectFault(deps.fault);
    response = await dispatch(req, url, deps);
  } catch (error) {
    if (!(error instanceof ApiError)) console.error("hetzner emulator: internal error", error);
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError("server_error", "internal error in the sandbox emulator");
    response = { status: apiError.status, body: apiError.toBody() };
  }
  if (!req.readableEnded) req.resume(); // drain a body we did not read (errors raised before readJsonBody)
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(state.remaining),
    "RateLimit-Reset": String(state.reset),
    "X-Correlation-Id": randomBytes(8).toString("hex"),
    ...response.headers,
  };
  if (response.body !== undefined) headers["Content-Type"] = "application/json";
  res.writeHead(response.status, headers);
  res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
  deps.onExchange?.(exchangeOf(req, url, response.status, response.body ?? null));
}
