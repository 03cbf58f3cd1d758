/**
 * One HTTP exchange of the Cloudflare emulator: bearer-token authentication, JSON body, routing under
 * `/client/v4`, and the envelope `{result, success, errors, messages, result_info}` on every answer.
 * Authentication comes first and mirrors Cloudflare's three failures: no credentials (9106/9107), a
 * malformed Authorization header (6003 → 6111), an unknown token (10000).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Exchange,
  exchangeOf,
  injectedFailure,
  matchPath,
  readJsonBody,
  requestUrl,
} from "../emulator/http.ts";
import type { ApiFaultSource } from "../faults/store.ts";
import type { ApiToken, CfContext, CfRequest, CfResponse, CfRoute } from "./context.ts";
import {
  authenticationError,
  CfError,
  couldNotRoute,
  type ErrorItem,
  malformedAuthorization,
  malformedJson,
  methodNotAllowed,
  missingCredentials,
  noRoute,
} from "./errors.ts";

export const BASE_PATH = "/client/v4";
/** Cloudflare tokens are 40 characters of this alphabet; anything else is a malformed header. */
const TOKEN_SYNTAX = /^[A-Za-z0-9_-]{20,80}$/;

export type { Exchange } from "../emulator/http.ts";

export interface HttpDeps {
  readonly routes: readonly CfRoute[];
  readonly ctx: CfContext;
  readonly tokens: readonly ApiToken[];
  /** Paths that need no token. */
  readonly publicPaths: readonly string[];
  /** Injected faults (`slipway sandbox fault api cloudflare`): latency and transient errors. */
  readonly fault?: ApiFaultSource;
  readonly onExchange?: (e: Exchange) => void;
}

function authenticate(req: IncomingMessage, tokens: readonly ApiToken[]): ApiToken {
  const header = req.headers.authorization;
  if (header === undefined) throw missingCredentials();
  const match = /^Bearer (.+)$/.exec(header);
  if (!match?.[1] || !TOKEN_SYNTAX.test(match[1])) throw malformedAuthorization();
  const token = tokens.find((t) => t.value === match[1]);
  if (!token) throw authenticationError();
  return token;
}

/** Literal segments win over parameters, so `/zones/{id}/dns_records` is never read as a zone id. */
function resolve(routes: readonly CfRoute[], method: string, path: string) {
  const matches = routes
    .map((route) => ({ route, params: matchPath(route.template, path) }))
    .filter((m): m is { route: CfRoute; params: Readonly<Record<string, string>> } => m.params !== null);
  if (matches.length === 0)
    throw path.startsWith("/zones/") ? couldNotRoute(`${BASE_PATH}${path}`) : noRoute();
  const exact = matches.filter((m) => m.route.method === method);
  if (exact.length === 0) throw methodNotAllowed();
  const literals = (t: string) => t.split("/").filter((s) => !s.startsWith("{")).length;
  return exact.sort((a, b) => literals(b.route.template) - literals(a.route.template))[0]!;
}

/** What Cloudflare answers transient failures with, by status (971 is its throttling code). */
const FAULT_ERRORS: Record<number, ErrorItem> = {
  429: { code: 971, message: "Please wait and consider throttling your request speed" },
  500: { code: 10001, message: "Internal server error" },
  503: { code: 10001, message: "Service temporarily unavailable" },
  504: { code: 10001, message: "Gateway timeout" },
};

async function injectFault(source: ApiFaultSource | undefined): Promise<void> {
  const failWith = await injectedFailure(source, "cloudflare");
  if (failWith !== null) {
    const item = FAULT_ERRORS[failWith] ?? { code: 10001, message: "Internal server error" };
    throw new CfError(failWith, [
      { ...item, message: `${item.message} (injected by slipway sandbox fault)` },
    ]);
  }
}

async function dispatch(req: IncomingMessage, url: URL, deps: HttpDeps): Promise<CfResponse> {
  if (url.pathname !== BASE_PATH && !url.pathname.startsWith(`${BASE_PATH}/`)) throw noRoute();
  const path = url.pathname.slice(BASE_PATH.length).replace(/\/$/, "") || "/";
  const token = deps.publicPaths.includes(path) ? { value: "" } : authenticate(req, deps.tokens);
  const method = (req.method ?? "GET").toUpperCase();
  const { route, params } = resolve(deps.routes, method, path);
  const body = await readJsonBody(req, malformedJson);
  const request: CfRequest = { method, path, params, query: url.searchParams, body, token };
  return route.handler(request, deps.ctx);
}

export async function handleExchange(
  req: IncomingMessage,
  res: ServerResponse,
  deps: HttpDeps,
): Promise<void> {
  const url = requestUrl(req);
  let status: number;
  let body: Record<string, unknown>;
  try {
    await injectFault(deps.fault);
    const response = await dispatch(req, url, deps);
    status = response.status ?? 200;
    body = {
      result: response.result,
      success: true,
      errors: [],
      messages: response.messages ?? [],
      ...(response.resultInfo ? { result_info: response.resultInfo } : {}),
    };
  } catch (error) {
    if (!(error instanceof CfError)) console.error("cloudflare emulator: internal error", error);
    const cfError =
      error instanceof CfError
        ? error
        : new CfError(500, [{ code: 10001, message: "Internal server error" }]);
    status = cfError.status;
    body = cfError.toBody();
  }
  if (!req.readableEnded) req.resume();
  res.writeHead(status, { "Content-Type": "application/json", "cf-ray": `${randomRay()}-SBX` });
  res.end(JSON.stringify(body));
  deps.onExchange?.(exchangeOf(req, url, status, body));
}

function randomRay(): string {
  return Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
}
