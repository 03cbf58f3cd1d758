/**
 * Cloudflare through its official SDK. The endpoint comes from CLOUDFLARE_BASE_URL (the sandbox's
 * emulator, or unset for the real API) and the token from CLOUDFLARE_API_TOKEN. The SDK retries 429,
 * 5xx and dropped connections itself, honouring Retry-After; failures it gives up on become
 * UserErrors that say what slipway was doing and what Cloudflare answered.
 */
import Cloudflare, { APIConnectionError, APIError } from "cloudflare";
import { UsageError, UserError } from "../../errors.ts";

export type CloudflareClient = Cloudflare;

export function createCloudflareClient(env: NodeJS.ProcessEnv = process.env): CloudflareClient {
  const token = env.CLOUDFLARE_API_TOKEN;
  if (!token) {
    throw new UsageError("CLOUDFLARE_API_TOKEN is not set, and the stack has dns records", {
      hint:
        "Create a token with Zone → DNS → Edit in the Cloudflare dashboard (My Profile → API Tokens) and " +
        'export CLOUDFLARE_API_TOKEN, or use the local sandbox: eval "$(slipway sandbox env)"',
    });
  }
  return new Cloudflare({
    apiToken: token,
    ...(env.CLOUDFLARE_BASE_URL ? { baseURL: env.CLOUDFLARE_BASE_URL } : {}),
    maxRetries: 5,
    timeout: 60_000,
  });
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
  if (error instanceof APIConnectionError) {
    return new UserError(`${doing}: cannot reach the Cloudflare API (${error.message})`, {
      hint: "Check your network, or CLOUDFLARE_BASE_URL when it is set.",
    });
  }
  if (error instanceof APIError) {
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
  if (!(error instanceof APIError)) return false;
  return error.status === 404 || cloudflareErrors(error).some((e) => e.code === 81044 || e.code === 7003);
}

function cloudflareErrors(error: APIError): { code: number; message: string }[] {
  const body = error.error as { errors?: { code: number; message: string }[] } | undefined;
  return Array.isArray(body?.errors) ? body.errors : [];
}
