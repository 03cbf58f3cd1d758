/**
 * Services: the stack's own containers, deployed release by release behind Caddy with a health gate.
 * `servers` names server groups and `replicas` counts containers *per server*, so "2 web nodes, 2 each"
 * is 4 containers. A service without `port` is a worker (a bot, an ingestor): no domains, no routing.
 */
import { z } from "zod";
import { Build, cpus, Env, ImageRef, Mounts, SecretFiles } from "./container.ts";
import { Duration } from "./duration.ts";
import { Healthcheck } from "./healthcheck.ts";
import { Command, Hostname, integer, nameList, oneOf, Port, resourceName, text } from "./primitives.ts";
import { Size } from "./size.ts";

export const Hooks = z.strictObject({
  /**
   * Run once in a one-off container of the new image before any traffic moves, e.g. migrations.
   * A non-zero exit stops the deploy. @example ["npm", "run", "migrate"]
   */
  preDeploy: Command.optional(),
  /** Run once in the new release after traffic moved, e.g. cache warming. @example ["npm", "run", "warm"] */
  postDeploy: Command.optional(),
});
export type Hooks = z.infer<typeof Hooks>;

export const Service = z
  .strictObject({
    /** Image to run; exactly one of `image` and `build`. @example "ghcr.io/acme/web:1.2" */
    image: ImageRef.optional(),
    /** Build the image from source on deploy; exactly one of `image` and `build`. @example { context: "./app" } */
    build: Build.optional(),
    /** Server groups that run the service. @example ["web"] */
    servers: nameList("server group", "web"),
    /** Container port the app listens on; unset for workers. @example 8080 */
    port: Port.optional(),
    /** Host names Caddy serves for this service, with automatic HTTPS. Default []. @example ["app.example.com"] */
    domains: z
      .array(Hostname, { error: 'expected a list of host names such as ["app.example.com"]' })
      .default([]),
    /**
     * Serve only requests under this path on `domains` (the prefix is passed on, not stripped), so
     * two services can share a domain. Default: the whole domain. @example "/api"
     */
    pathPrefix: text(/^\/[A-Za-z0-9._~\-/]*[^/]$/, 'expected a path such as "/api"').optional(),
    /** The release health gate. Default: GET /up every 1 s, 2 passes, 60 s deadline. */
    healthcheck: Healthcheck.prefault({}),
    /** Environment variables; values are strings or secret refs. Default {}. @example { NODE_ENV: "production" } */
    env: Env,
    /** Secret files under /run/secrets/<name>, mode 0400 (Docker secrets under swarm). Default {}. */
    secrets: SecretFiles,
    /** Containers per server. Default 1. @example 2 */
    replicas: integer(1, 50, 2).default(1),
    /** How long an old release finishes in-flight requests before it is stopped. Default "30s". */
    drain: Duration.default(30_000),
    /** Overrides the image's command. @example ["npm", "start"] */
    command: Command.optional(),
    /** Commands around each deploy. Default {}. */
    hooks: Hooks.prefault({}),
    /**
     * "docker": containers managed by slipway on each server; "swarm": a Docker Swarm service on the
     * servers' swarm (Docker secrets, swarm replicas). Default "docker".
     */
    runtime: oneOf(["docker", "swarm"]).default("docker"),
    /** Volumes and host paths mounted into the container. Default []. @example ["pb-data:/pb/pb_data"] */
    mounts: Mounts,
    /** Memory limit, parsed to MiB. @example "512M" */
    memory: Size.optional(),
    /** CPU limit. @example 0.5 */
    cpus: cpus.optional(),
    /** User (name or uid:gid) the process runs as. @example "1000:1000" */
    user: text(
      /^[a-z_][a-z0-9_-]*$|^\d+(?::\d+)?$/,
      'expected a user such as "node" or "1000:1000"',
    ).optional(),
    /** Accessories or services that must be running first. Default []. @example ["db", "cache"] */
    dependsOn: z.array(resourceName("accessory or service", "db")).default([]),
    /** Releases kept on each server for `slipway rollback`. Default 5. */
    keepReleases: integer(1, 50, 5).default(5),
  })
  .superRefine((service, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (service.image === undefined && service.build === undefined) {
      fail("image", 'set exactly one of image or build, e.g. image: "ghcr.io/acme/web:1.2"');
    }
    if (service.image !== undefined && service.build !== undefined) {
      fail("build", "set exactly one of image or build; remove one");
    }
    if (service.port === undefined && service.domains.length > 0) {
      fail("port", "required when domains are set: the container port Caddy forwards to, e.g. port: 8080");
    }
    if (service.pathPrefix !== undefined && service.domains.length === 0) {
      fail("pathPrefix", 'needs domains to apply to, e.g. domains: ["app.example.com"]');
    }
    const seen = new Set<string>();
    service.domains.forEach((domain, i) => {
      if (seen.has(domain))
        ctx.addIssue({ code: "custom", path: ["domains", i], message: `"${domain}" is listed twice` });
      seen.add(domain);
    });
  });
export type Service = z.infer<typeof Service>;
export type ServiceInput = z.input<typeof Service>;
