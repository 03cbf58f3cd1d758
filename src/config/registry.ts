/**
 * The container registry that built images are pushed to and that hosts pull from. Built images are
 * named `<server>/<namespace>/<service>`; images given in full (`image:`) are pulled as written, with
 * these credentials when their host is `server`.
 */
import { z } from "zod";
import { text } from "./primitives.ts";
import { secretOr } from "./secret.ts";

export const Registry = z
  .strictObject({
    /** Registry host, with a port if not 443. @example "ghcr.io" */
    server: text(
      /^[a-z0-9.-]+(?::\d{1,5})?$/,
      'expected a registry host such as "ghcr.io" or "127.0.2.1:5000"',
    ),
    /** Repository path under the server for built images. Default: the stack name. @example "acme/isntgram" */
    namespace: text(
      /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
      'expected a path such as "acme/shop"',
    ).optional(),
    /** Login user. @example "acme-bot" */
    username: z.string({ error: 'expected a user name such as "acme-bot"' }).min(1).optional(),
    /** Login password or token. @example secret("GHCR_TOKEN") */
    password: secretOr("ghp_…", "REGISTRY_PASSWORD").optional(),
  })
  .superRefine((registry, ctx) => {
    if ((registry.username === undefined) !== (registry.password === undefined)) {
      const missing = registry.username === undefined ? "username" : "password";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: "set both username and password, or neither for anonymous pulls",
      });
    }
  });
export type Registry = z.infer<typeof Registry>;
