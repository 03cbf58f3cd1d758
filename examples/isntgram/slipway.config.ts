/**
 * Isntgram (seed 003): GHCR images tagged latest / commit sha / environment-version, one small VM,
 * managed Postgres outside the stack, Caddy, Cloudflare, and a CI pipeline with lint, tests, CodeQL,
 * Gitleaks and Trivy, a manual approval gate, a health-checked deploy and automatic rollback.
 *
 * What maps where:
 * - GHCR, ghcr.io/{owner}/{repo}/{service}:{tag} → registry (namespace "acme/isntgram") + ci.imageTags
 * - Dockerfile.prod multi-stage build          → services.*.build (target "production")
 * - Production VM (Ubuntu 22.04)                → servers.app
 * - Managed PostgreSQL (Neon/Supabase)          → no accessory: DATABASE_URL is a secret pointing at it
 * - docker-compose.prod.yml web + api           → services.web and services.api
 * - Caddy, path-based routing, security headers → proxy + services.api.pathPrefix "/api"
 * - Cloudflare CDN/DNS, Full SSL                → dns (proxied) + Caddy's certificate at the origin
 * - AWS S3 for user data, versioning, encryption → buckets.uploads
 * - UFW, SSH keys only                          → hosts (defaults) + firewalls.web
 * - CI build/test/scan, approval, SSH deploy, health check, rollback → ci + each service's healthcheck
 * - VM snapshots                                → servers.app.backups (Hetzner's daily backups)
 *
 * Expressed differently: the seed names a CX11 (2 GB, 1 vCPU), which Hetzner no longer sells; cx22 is
 * its successor at the same price. Compose's `docker compose up` is replaced by slipway's release
 * deploys, which start the new container beside the old and switch only when `/health` passes, so the
 * "automatic rollback" is that the old release never stops serving. RTO/RPO targets are not config;
 * the managed database's backups stay with its provider.
 */
import { defineStack, secret } from "slipway";

export default defineStack({
  name: "isntgram",
  location: "fsn1",

  servers: {
    app: { type: "cx22", image: "ubuntu-22.04", backups: true },
  },

  firewalls: {
    web: {
      applyTo: ["app"],
      rules: [{ port: 22 }, { port: 80, sources: ["cloudflare"] }, { port: 443, sources: ["cloudflare"] }],
    },
  },

  dns: {
    zone: "isntgram.example.com",
    proxied: true,
    records: [
      { name: "@", server: "app" },
      { name: "www", type: "CNAME", value: "isntgram.example.com" },
    ],
  },

  proxy: { acme: { email: "ops@isntgram.example.com" }, securityHeaders: true, redirectWww: true },

  registry: {
    server: "ghcr.io",
    namespace: "acme/isntgram",
    username: "acme-ci",
    password: secret("GHCR_TOKEN"),
  },

  services: {
    web: {
      build: { context: ".", dockerfile: "Dockerfile.prod", target: "production", args: { APP: "web" } },
      servers: ["app"],
      port: 3000,
      domains: ["isntgram.example.com"],
      healthcheck: { path: "/health", timeout: "3s" },
      env: { NODE_ENV: "production", DATABASE_URL: secret("DATABASE_URL") },
      user: "node",
      dependsOn: ["api"],
    },
    api: {
      build: { context: ".", dockerfile: "Dockerfile.prod", target: "production", args: { APP: "api" } },
      servers: ["app"],
      port: 3001,
      domains: ["isntgram.example.com"],
      pathPrefix: "/api",
      healthcheck: { path: "/health", timeout: "3s" },
      env: {
        NODE_ENV: "production",
        DATABASE_URL: secret("DATABASE_URL"),
        JWT_SECRET: secret("JWT_SECRET"),
        S3_BUCKET: "isntgram-uploads",
        AWS_ACCESS_KEY_ID: secret("UPLOADS_ACCESS_KEY_ID"),
        AWS_SECRET_ACCESS_KEY: secret("UPLOADS_SECRET_ACCESS_KEY"),
      },
      hooks: { preDeploy: ["npm", "run", "db:migrate"] },
      user: "node",
    },
  },

  buckets: {
    uploads: { versioning: true, encryption: true, lifecycle: [{ noncurrentExpireDays: 30 }] },
  },

  ci: {
    branches: ["main"],
    node: "18",
    checks: {
      lint: "npm run lint && npx prettier --check . && npx markdownlint-cli2 '**/*.md'",
      test: "npm test -- --coverage",
      e2e: "npm run test:e2e",
    },
    scans: ["codeql", "gitleaks", "trivy"],
    imageTags: ["latest", "sha", "env-version"],
    deploy: [{ environment: "production", approval: true }],
  },
});
