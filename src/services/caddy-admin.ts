/**
 * Talks to Caddy's admin API on a host, through SSH and the host's curl: the admin API listens on
 * localhost only, so it is never exposed, and nothing but SSH needs to be open to manage it.
 */
import type { SshConnection } from "../hosts/ssh.ts";
import { toShell } from "../util/shell.ts";
import { ADMIN } from "./commands/caddy.ts";

export interface CaddyResponse {
  status: number;
  body: string;
}

export async function caddyRequest(
  ssh: SshConnection,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<CaddyResponse> {
  const argv = ["curl", "-sS", "-X", method, "-w", "\\n%{http_code}", `${ADMIN}${path}`];
  if (body !== undefined) argv.push("-H", "Content-Type: application/json", "--data-binary", "@-");
  const result = await ssh.exec(toShell(argv), { stdin: body === undefined ? "" : JSON.stringify(body) });
  if (result.code !== 0) return { status: 0, body: result.stderr.trim() };
  const cut = result.stdout.lastIndexOf("\n");
  return { status: Number(result.stdout.slice(cut + 1)), body: result.stdout.slice(0, Math.max(cut, 0)) };
}

/** Like caddyRequest, but a non-2xx answer throws with what we were doing and Caddy's message. */
export async function caddy(
  ssh: SshConnection,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  doing: string,
  body?: unknown,
): Promise<string> {
  const response = await caddyRequest(ssh, method, path, body);
  if (response.status < 200 || response.status >= 300) {
    throw new Error(
      `${ssh.target.name}: ${doing}: Caddy answered ${response.status}: ${response.body.slice(0, 500)}`,
    );
  }
  return response.body;
}
