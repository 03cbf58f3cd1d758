/**
 * Hetzner API failures as one error type that keeps what we were doing, the API's error code and the
 * correlation id (like hcloud-go's "message (code, correlation-id)"). Callers branch on `code`, never on
 * message text.
 */
import { UserError } from "../../errors.ts";

export class HetznerApiError extends UserError {
  readonly doing: string;
  readonly status: number;
  readonly code: string;
  readonly correlationId: string | null;
  readonly details: unknown;

  constructor(
    doing: string,
    status: number,
    code: string,
    apiMessage: string,
    correlationId: string | null,
    details: unknown,
  ) {
    const id = correlationId ? `, correlation id ${correlationId}` : "";
    super(
      `Hetzner API: ${doing} failed: ${apiMessage} (${code}, HTTP ${status}${id})${fieldDetails(details)}`,
    );
    this.name = "HetznerApiError";
    this.doing = doing;
    this.status = status;
    this.code = code;
    this.correlationId = correlationId;
    this.details = details;
  }
}

function fieldDetails(details: unknown): string {
  const fields = (details as { fields?: { name: string; messages?: string[] }[] } | null)?.fields;
  if (!Array.isArray(fields) || fields.length === 0) return "";
  return `\n${fields.map((f) => `  ${f.name}: ${(f.messages ?? []).join("; ") || "invalid"}`).join("\n")}`;
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Returns the data of a successful call, or throws a HetznerApiError describing the failure. */
export function ensure<T>(result: Result<T>, doing: string): T {
  if (result.data !== undefined && result.response.ok) return result.data;
  const body = (result.error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new HetznerApiError(
    doing,
    result.response.status,
    body.error?.code ?? `http_${result.response.status}`,
    body.error?.message ?? result.response.statusText,
    result.response.headers.get("x-correlation-id"),
    body.error?.details ?? null,
  );
}

/** True when the call failed because the object does not exist. */
export function isNotFound(result: { response: Response }): boolean {
  return result.response.status === 404;
}
