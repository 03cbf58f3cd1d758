/**
 * The Cloudflare API emulator's entry point: an HTTP server (node:http) under `/client/v4` serving
 * zones and DNS records for one account, authenticated by bearer tokens, persisted to a JSON file.
 * The store is exposed so the sandbox's DNS server and edge can answer from, and follow, the records.
 */
import { createServer } from "node:http";
import { listen } from "../emulator/http.ts";
import type { ApiFaultSource } from "../faults/store.ts";
import { accountRoutes, PUBLIC_PATHS } from "./account-routes.ts";
import type { Account, ApiToken, CfRoute } from "./context.ts";
import { type Exchange, handleExchange } from "./http.ts";
import { recordRoutes } from "./record-routes.ts";
import { Store } from "./store.ts";
import { zoneRoutes } from "./zone-routes.ts";

export type { Exchange } from "./http.ts";

export interface CloudflareEmulatorOptions {
  readonly host: string;
  /** 0 picks any free port. */
  readonly port: number;
  readonly tokens: readonly ApiToken[];
  readonly account: Account;
  /** JSON persistence; absent = memory only. */
  readonly dataFile?: string;
  readonly onExchange?: (e: Exchange) => void;
  readonly fault?: ApiFaultSource;
}

export interface CloudflareEmulator {
  /** Base URL including `/client/v4` (what CLOUDFLARE_BASE_URL takes). */
  readonly url: string;
  readonly store: Store;
  close(): Promise<void>;
}

export const ROUTES: readonly CfRoute[] = [...accountRoutes, ...zoneRoutes, ...recordRoutes];

export async function startCloudflareEmulator(
  options: CloudflareEmulatorOptions,
): Promise<CloudflareEmulator> {
  const store = Store.open(options.dataFile);
  const deps = {
    routes: ROUTES,
    ctx: { store, account: options.account },
    tokens: options.tokens,
    publicPaths: PUBLIC_PATHS,
    onExchange: options.onExchange,
    fault: options.fault,
  };
  const server = createServer((req, res) => {
    void handleExchange(req, res, deps);
  });
  const listening = await listen(server, options.host, options.port);
  return { url: `http://${listening.authority}/client/v4`, store, close: listening.close };
}
