/**
 * The health gate of a release: a new container takes traffic only after `healthyThreshold` consecutive
 * passing checks, and the deploy fails (the old release keeps serving) if that has not happened by
 * `deadline`. A check is an HTTP GET of `path` on the service port, or `command` run in the container.
 */
import { z } from "zod";
import { Duration } from "./duration.ts";
import { Command, integer, text } from "./primitives.ts";

export const Healthcheck = z.strictObject({
  /** Path requested on the container port; any 2xx passes. Default "/up". @example "/health" */
  path: text(/^\//, 'expected a string starting with "/"').default("/up"),
  /** Time between checks. Default "1s". */
  interval: Duration.default(1_000),
  /** Time one check may take. Default "2s". */
  timeout: Duration.default(2_000),
  /** Consecutive passing checks before traffic switches. Default 2. */
  healthyThreshold: integer(1, 100, 2).default(2),
  /** Give up (and keep the old release) if not healthy by then. Default "60s". */
  deadline: Duration.default(60_000),
  /**
   * Run this in the container instead of an HTTP request; exit code 0 passes. For services without a
   * port, leaving it unset means "healthy while the container keeps running". @example ["pg_isready"]
   */
  command: Command.optional(),
});
export type Healthcheck = z.infer<typeof Healthcheck>;
