/**
 * Maps a request to a handler by the spec's path templates (`/servers/{id}/actions/{action_id}`).
 * When several templates match, the one with a literal segment where the other has a parameter wins,
 * so `/servers/actions` is not read as server "actions". Paths the spec defines but the emulator does
 * not implement answer `unsupported_error` (so a client never mistakes them for "gone"), methods the
 * spec lacks for a path answer `method_not_allowed`, and anything else `not_found`.
 */
import { matchPath } from "../emulator/http.ts";
import { ApiError, notFound } from "./errors.ts";

export { matchPath } from "../emulator/http.ts";

export type Params = Readonly<Record<string, string>>;

export interface Route<H> {
  readonly method: string;
  readonly template: string;
  readonly handler: H;
}

/** Literal segments outrank parameters, position by position from the left. */
function moreSpecific(a: string, b: string): boolean {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < as.length; i++) {
    const aParam = as[i]?.startsWith("{") ?? false;
    const bParam = bs[i]?.startsWith("{") ?? false;
    if (aParam !== bParam) return bParam;
  }
  return false;
}

/** The most specific template matching `path`, with its parameters. */
export function bestTemplate(
  templates: Iterable<string>,
  path: string,
): { template: string; params: Params } | null {
  let best: { template: string; params: Params } | null = null;
  for (const template of templates) {
    const params = matchPath(template, path);
    if (params && (!best || moreSpecific(template, best.template))) best = { template, params };
  }
  return best;
}

export interface SpecIndex {
  paths(): Iterable<string>;
  hasOperation(method: string, template: string): boolean;
}

/** Resolves a request to a route and its parameters, or throws the fitting ApiError. */
export function resolveRoute<H>(
  routes: readonly Route<H>[],
  spec: SpecIndex,
  method: string,
  path: string,
): { route: Route<H>; params: Params } {
  const templates = new Set([...routes.map((r) => r.template), ...spec.paths()]);
  const best = bestTemplate(templates, path);
  if (!best) throw notFound(`path ${path}`);
  const route = routes.find((r) => r.template === best.template && r.method === method);
  if (route) return { route, params: best.params };
  if (spec.hasOperation(method, best.template)) {
    throw new ApiError(
      "unsupported_error",
      `the sandbox's Hetzner emulator does not implement ${method} ${best.template}`,
    );
  }
  throw new ApiError("method_not_allowed", `method ${method} is not allowed on ${best.template}`);
}
