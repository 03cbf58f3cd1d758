/**
 * Mau App (seed 000): PocketBase behind Caddy on one Hetzner server, Docker Swarm, Docker secrets,
 * Cloudflare DNS and CDN, encrypted S3 backups on a schedule, CD from GitHub Actions, a cloud firewall,
 * keys-only SSH and Dozzle for logs.
 *
 * What maps where:
 * - Pulumi program and `pulumi up`         → this file and `slipway up` (ci.applyInfrastructure runs it in CI)
 * - Hetzner server                          → servers.app
 * - Docker Swarm + replicas                 → services.pocketbase.runtime "swarm" and `replicas`
 * - Caddy as a Swarm service                → the Caddy proxy slipway runs on every web host (proxy)
 * - Docker secrets                          → services.pocketbase.secrets (files under /run/secrets)
 * - Cloudflare DNS / CDN / WAF              → dns (proxied records) + firewall sources "cloudflare"
 * - bin/backupData.js + uploadToS3.js + cron → backups.pocketbase (restic, encrypted, to buckets.backups)
 * - bin/restoreAndCopyBackup.js             → `slipway backup restore pocketbase`
 * - deploy-infrastructure.yaml              → ci (push to main, docs and markdown ignored)
 * - root login off, SSH keys only           → the default host baseline (ssh, hosts)
 * - Dozzle                                  → logs.dozzle
 *
 * Expressed differently: the seed routes traffic through Cloudflare *tunnels*; slipway points proxied
 * DNS records at the server and lets only Cloudflare's ranges reach ports 80/443, which gives the same
 * hidden-origin effect without a tunnel daemon. PocketBase keeps its data in SQLite, so it runs one
 * replica: the Swarm runtime is there for secrets and restarts, not for scaling this service.
 */
import { defineStack, secret } from "slipway";

export default defineStack({
  name: "mau",
  location: "nbg1",

  servers: {
    app: { type: "cx22", image: "debian-12" },
  },

  firewalls: {
    edge: {
      applyTo: ["app"],
      rules: [
        { port: 22, description: "SSH, keys only" },
        { port: 80, sources: ["cloudflare"], description: "HTTP from Cloudflare" },
        { port: 443, sources: ["cloudflare"], description: "HTTPS from Cloudflare" },
        { protocol: "icmp" },
      ],
    },
  },

  hosts: {
    ufw: {
      allow: [{ port: 22 }, { port: 80, from: ["cloudflare"] }, { port: 443, from: ["cloudflare"] }],
    },
  },

  dns: {
    zone: "mau.example.com",
    proxied: true,
    records: [
      { name: "@", server: "app" },
      { name: "logs", server: "app" },
    ],
  },

  proxy: {
    acme: { email: "ops@mau.example.com" },
  },

  services: {
    pocketbase: {
      image: "ghcr.io/mau-app/pocketbase:0.22.21",
      servers: ["app"],
      port: 8090,
      domains: ["mau.example.com"],
      runtime: "swarm",
      replicas: 1,
      command: ["/pb/pocketbase", "serve", "--http=0.0.0.0:8090"],
      mounts: ["pb-data:/pb/pb_data"],
      healthcheck: { path: "/api/health" },
      env: { PB_ENCRYPTION_KEY: secret("PB_ENCRYPTION_KEY") },
      secrets: { pb_admin_password: secret("PB_ADMIN_PASSWORD") },
      memory: "512M",
    },
  },

  buckets: {
    backups: {
      versioning: true,
      lifecycle: [{ noncurrentExpireDays: 30 }],
    },
  },

  backups: {
    pocketbase: {
      service: "pocketbase",
      bucket: "backups",
      schedule: "0 */6 * * *",
      retention: { daily: 14, weekly: 8, monthly: 12 },
      passphrase: secret("BACKUP_PASSPHRASE"),
      verify: "30 4 * * 0",
    },
  },

  logs: {
    dozzle: { domain: "logs.mau.example.com", password: secret("DOZZLE_PASSWORD") },
  },

  ci: {
    branches: ["main"],
    ignorePaths: ["docs/**", "**/*.md"],
    applyInfrastructure: true,
    deploy: [{ environment: "production" }],
  },
});
