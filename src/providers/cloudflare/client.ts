/**
 * Cloudflare through its official SDK. The endpoint comes from CLOUDFLARE_BASE_URL (the sandbox's
 * emulator, or unset for the real API) and the token from CLOUDFLARE_API_TOKEN. The SDK retries 429,
 * 5xx and dropped connections itself, honouring Retry-After; failures it gives up on become
 * UserErrors that say what slipway was doing and what Cloudflare answered.
 */
import type Cloudflare from "cloudflare";
import { UsageError, UserError } from "../../errors.ts";

type Sdk = typeof import("cloudflare");
/** Set once the SDK is loaded; errors it threw can only exist after that. */
let sdk: Sdk | undefined;

/**
 * The client, made on first use: the SDK takes ~0.6 s to load, which a plan pays only when it reads a
 * record, while its SSH reads are in flight, and commands that never touch DNS do not pay at all.
 */
export interface CloudflareClient {
  get(): Promise<Cloudflare>;
}

export function createCloudflareClient(env: NodeJS.ProcessEnv = process.env): CloudflareClient {
  const token = env.CLOUDFLARE_API_TOKEN;
  if (!token) {
    throw new UsageError("CLOUDFLARE_API_TOKEN is not set, and the stack has dns records", {
      hint:
        "Create a token with Zone → DNS → Edit in the Cloudflare dashboard (My Profile → API Tokens) and " +
        'export CLOUDFLARE_API_TOKEN, or use the local sandbox: eval "$(slipway sandbox env)"',
    });
  }
  let client: Promise<Cloudflare> | undefined;
  return {
    get: () => {
      client ??= import("cloudflare").then((loaded) => {
        sdk = loaded;
        return new loaded.default({
          apiToken: token,
          ...(env.CLOUDFLARE_BASE_URL ? { baseURL: env.CLOUDFLARE_BASE_URL } : {}),
          maxRetries: 5,
          timeout: 60_000,
        });
      });
      return client;
    },
  };
}

/** Runs one API call; Cloudflare's answer becomes a UserError naming what was being done. */
export async function cloudflareCall<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw cloudflareError(doing, error);
  }
}

export function cloudflareError(doing: string, error: unknown): Error {
  if (sdk && error instanceof sdk.APIConnectionError) {
    return new UserError(`${doing}: cannot reach the Cloudflare API (${error.message})`, {
      hint: "Check your network, or CLOUDFLARE_BASE_URL when it is set.",
    });
  }
  if (sdk && error instanceof sdk.APIError) {
    const details = cloudflareErrors(error)
      .map((e) => `${e.message} (code ${e.code})`)
      .join("; ");
    const hint =
      error.status === 401 || error.status === 403
        ? "The token in CLOUDFLARE_API_TOKEN needs Zone → DNS → Edit on this zone."
        : undefined;
    return new UserError(`${doing}: Cloudflare answered ${error.status}: ${details || error.message}`, {
      hint,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Whether Cloudflare said the object does not exist (404, or its "record not found" code). */
export function isCloudflareNotFound(error: unknown): boolean {
  if (!sdk || !(error instanceof sdk.APIError)) return false;
  return error.status === 404 || cloudflareErrors(error).some((e) => e.code === 81044 || e.code === 7003);
}

function cloudflareErrors(error: InstanceType<Sdk["APIError"]>): { code: number; message: string }[] {
  const body = error.error as { errors?: { code: number; message: string }[] } | undefined;
  return Array.isArray(body?.errors) ? body.errors : [];
}
