/**
 * Starts the Cloudflare emulator for a test file and hands out official-SDK clients pointed at it
 * (no retries, so an error surfaces at once). `raw()` sends a request by hand, for what the SDK
 * would refuse to send (no token, a malformed header).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Cloudflare from "cloudflare";
import type { ApiToken } from "../../src/sandbox/cloudflare/context.ts";
import { type CloudflareEmulator, startCloudflareEmulator } from "../../src/sandbox/cloudflare/server.ts";
import type { ApiFaultSource } from "../../src/sandbox/faults/store.ts";

export const TOKEN = "testTokenForTheCloudflareEmulator0000000";
export const ACCOUNT = { id: "0123456789abcdef0123456789abcdef", name: "Sandbox test account" };

export interface TestCloudflare {
  readonly emulator: CloudflareEmulator;
  readonly cf: Cloudflare;
  client(token: string): Cloudflare;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  raw(method: string, path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function tempDataFile(): string {
  return join(mkdtempSync(join(tmpdir(), "slipway-cloudflare-")), "cloudflare.json");
}

export async function startTestCloudflare(
  options: { dataFile?: string; tokens?: readonly ApiToken[]; fault?: ApiFaultSource } = {},
): Promise<TestCloudflare> {
  const emulator = await startCloudflareEmulator({
    host: "127.0.0.1",
    port: 0,
    tokens: options.tokens ?? [{ value: TOKEN }],
    account: ACCOUNT,
    ...(options.dataFile ? { dataFile: options.dataFile } : {}),
    ...(options.fault ? { fault: options.fault } : {}),
  });
  const client = (token: string) => new Cloudflare({ apiToken: token, baseURL: emulator.url, maxRetries: 0 });
  return {
    emulator,
    cf: client(TOKEN),
    client,
    async raw(method, path, headers = {}) {
      const res = await fetch(`${emulator.url}${path}`, { method, headers });
      return { status: res.status, body: await res.json() };
    },
    close: () => emulator.close(),
  };
}
