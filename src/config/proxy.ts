/**
 * The Caddy proxy on every server that runs a service with domains. It gets certificates by ACME
 * (Let's Encrypt unless `acme.ca` says otherwise) and is configured through its admin API, so a deploy
 * switches upstreams without a reload that drops connections.
 */
import { z } from "zod";
import { ImageRef } from "./container.ts";

export const Acme = z.strictObject({
  /** Account e-mail for expiry notices. @example "ops@example.com" */
  email: z.email({ error: 'expected an e-mail address such as "ops@example.com"' }).optional(),
  /** ACME directory URL. Default: Let's Encrypt production. @example "https://acme-staging-v02.api.letsencrypt.org/directory" */
  ca: z
    .url({
      protocol: /^https?$/,
      error: 'expected an ACME directory URL such as "https://acme.example.com/dir"',
    })
    .optional(),
  /** Path to a PEM file with a root certificate to trust for `ca` (private or test CAs). @example "./pebble.pem" */
  caRoot: z.string({ error: 'expected a path such as "./ca.pem"' }).min(1).optional(),
});
export type Acme = z.infer<typeof Acme>;

export const ProxySettings = z.strictObject({
  /** Caddy image. Default "caddy:2". */
  image: ImageRef.default("caddy:2"),
  /** Certificate issuance. Default: Let's Encrypt, no e-mail. */
  acme: Acme.prefault({}),
  /** Add HSTS, X-Content-Type-Options, Referrer-Policy and frame-ancestors headers to responses. Default true. */
  securityHeaders: z.boolean({ error: "expected true or false" }).default(true),
  /** Answer `www.<domain>` with a redirect to `<domain>` for every service domain. Default false. */
  redirectWww: z.boolean({ error: "expected true or false" }).default(false),
});
export type ProxySettings = z.infer<typeof ProxySettings>;
