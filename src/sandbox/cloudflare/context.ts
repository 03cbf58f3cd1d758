/**
 * What route handlers get and return. Handlers never touch node:http (http.ts owns it): they read the
 * parsed request and the store, and return a result (and result_info for lists) or throw a CfError.
 */
import type { Store } from "./store.ts";

export interface ApiToken {
  readonly value: string;
  /** Zone names the token may read and edit; absent = every zone, and it may create zones. */
  readonly zones?: readonly string[];
}

export interface Account {
  readonly id: string;
  readonly name: string;
}

export interface CfRequest {
  readonly method: string;
  /** Path below `/client/v4`, e.g. `/zones/0123…/dns_records`. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  readonly token: ApiToken;
}

export interface ResultInfo {
  readonly page: number;
  readonly per_page: number;
  readonly count: number;
  readonly total_count: number;
  readonly total_pages: number;
}

export interface CfResponse {
  readonly status?: number;
  readonly result: unknown;
  readonly resultInfo?: ResultInfo;
  readonly messages?: readonly { code: number; message: string; type: null }[];
}

export interface CfContext {
  readonly store: Store;
  readonly account: Account;
}

export type CfHandler = (req: CfRequest, ctx: CfContext) => CfResponse;

export interface CfRoute {
  readonly method: string;
  readonly template: string;
  readonly handler: CfHandler;
}
