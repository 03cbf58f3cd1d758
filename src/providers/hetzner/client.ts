/**
 * The Hetzner Cloud API client: openapi-fetch typed by the official OpenAPI spec (types generated into
 * api.generated.d.ts, never committed). The endpoint comes from HCLOUD_ENDPOINT, as for the official
 * CLI, so the sandbox runs this same code. Transient failures are retried here, once for every caller:
 * 429 after RateLimit-Reset / Retry-After, and 5xx or dropped connections for requests that are safe to
 * repeat (GET, PUT, DELETE; a POST only when the API says it did nothing: 423, 429, 503). 423 `locked`
 * comes when another action holds the object (two servers joining one network at once): it did nothing.
 */
import createClient from "openapi-fetch";
import { UsageError, UserError } from "../../errors.ts";
import { sleep } from "../../util/wait.ts";
import type { paths } from "./api.generated.d.ts";

export type HetznerClient = ReturnType<typeof createClient<paths>>;

export const DEFAULT_ENDPOINT = "https://api.hetzner.cloud/v1";
const MAX_ATTEMPTS = 6;

export interface HetznerSettings {
  endpoint: string;
  token: string;
}

export function hetznerSettings(env: NodeJS.ProcessEnv = process.env): HetznerSettings {
  const token = env.HCLOUD_TOKEN;
  if (!token) {
    throw new UsageError("HCLOUD_TOKEN is not set", {
      hint:
        "Create an API token in the Hetzner Console (Security → API tokens) and export HCLOUD_TOKEN, " +
        'or use the local sandbox: slipway sandbox up && eval "$(slipway sandbox env)"',
    });
  }
  return { endpoint: (env.HCLOUD_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, ""), token };
}

export function createHetznerClient(settings: HetznerSettings): HetznerClient {
  return createClient<paths>({
    baseUrl: settings.endpoint,
    headers: { Authorization: `Bearer ${settings.token}`, "User-Agent": "slipway/0.1" },
    fetch: retryingFetch,
  });
}

/** Seconds to wait before retrying a 429, from the headers Hetzner sends (bounded to a minute). */
export function rateLimitDelayMs(headers: Headers, now = Date.now()): number {
  const retryAfter = Number(headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1000, 60_000);
  const reset = Number(headers.get("ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) return Math.min(Math.max(reset * 1000 - now, 1000), 60_000);
  return 1000;
}

function backoffMs(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 8000) * (0.5 + Math.random() / 2);
}

function unreachable(request: Request, error: unknown): UserError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const endpoint = new URL(request.url).origin;
  return new UserError(
    `cannot reach the Hetzner API at ${endpoint}: ${cause?.code ?? cause?.message ?? String(error)}`,
    {
      hint: "Check HCLOUD_ENDPOINT (unset it for the real API) and your network; for the local sandbox: slipway sandbox up",
      cause: error,
    },
  );
}

async function retryingFetch(request: Request): Promise<Response> {
  const repeatable = request.method !== "POST";
  const body = request.body ? await request.arrayBuffer() : undefined;
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= MAX_ATTEMPTS;
    let response: Response;
    try {
      response = await fetch(new Request(request, { body }));
    } catch (error) {
      if (!repeatable || last) throw unreachable(request, error);
      await sleep(backoffMs(attempt));
      continue;
    }
    if (last) return response;
    if (response.status === 429) {
      await sleep(rateLimitDelayMs(response.headers));
      continue;
    }
    if (response.status === 423 || response.status === 503 || (repeatable && response.status >= 500)) {
      await sleep(backoffMs(attempt));
      continue;
    }
    return response;
  }
}
