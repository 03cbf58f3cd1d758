/**
 * Starts the Hetzner emulator for a test file with an in-memory driver, records every exchange and
 * validates each response against the spec: `assertAllValid()` (called from afterEach) fails the test
 * with every response that does not match. `api()` is a tiny client returning status, headers and body.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Exchange,
  type HetznerEmulatorOptions,
  startHetznerEmulator,
} from "../../src/sandbox/hetzner/server.ts";
import { MemoryDriver } from "./memory-driver.ts";
import { validateResponse } from "./openapi-response-validator.ts";

export const TOKEN = "sandbox-test-token";

export interface ApiResult {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  readonly body: any;
}

export interface TestEmulator {
  readonly url: string;
  readonly driver: MemoryDriver;
  readonly exchanges: Exchange[];
  api(method: string, path: string, body?: unknown, token?: string): Promise<ApiResult>;
  /** Polls an action until it is no longer running; returns it. */
  settle(actionId: number): Promise<{ status: string; error: { code: string; message: string } | null }>;
  /** Throws listing every recorded response that does not match the spec, then forgets them. */
  assertAllValid(): void;
  close(): Promise<void>;
}

export function tempDataFile(): string {
  return join(mkdtempSync(join(tmpdir(), "slipway-hetzner-")), "state.json");
}

export async function startTestEmulator(
  options: Partial<Omit<HetznerEmulatorOptions, "driver">> & { driver?: MemoryDriver } = {},
): Promise<TestEmulator> {
  const driver = options.driver ?? new MemoryDriver();
  const exchanges: Exchange[] = [];
  const emulator = await startHetznerEmulator({
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    ...options,
    driver,
    onExchange: (e) => exchanges.push(e),
  });
  const api = async (method: string, path: string, body?: unknown, token = TOKEN): Promise<ApiResult> => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  return {
    url: emulator.url,
    driver,
    exchanges,
    api,
    async settle(actionId) {
      for (let i = 0; i < 200; i++) {
        const { body } = await api("GET", `/actions/${actionId}`);
        if (body.action.status !== "running") return body.action;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`action ${actionId} still running`);
    },
    assertAllValid() {
      const failures = exchanges.flatMap((e) =>
        validateResponse(e.method, e.path, e.status, e.body).map(
          (err) => `${e.method} ${e.path} ${e.status}: ${err}`,
        ),
      );
      exchanges.length = 0;
      if (failures.length > 0)
        throw new Error(`responses that do not match the spec:\n${failures.join("\n")}`);
    },
    close: () => emulator.close(),
  };
}
