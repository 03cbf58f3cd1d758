/**
 * Tux, a Discord bot (seed 001): Cloudflare → load balancer → 2 web nodes → Postgres cluster + Redis,
 * with a staging environment, a bastion, public and private subnets, hardening, monitoring and backups.
 *
 * What maps where:
 * - Terraform VPC network, public/private subnets → networks.main (addresses as in the seed's diagram)
 * - Load Balancer 10.0.1.10, Bastion 10.0.1.20    → loadBalancers.main, servers.bastion + ssh.bastion
 * - Web Server 1/2 (10.0.2.10, .11)               → servers.web (count 2, spread over hosts)
 * - Database cluster (10.0.2.20), Redis (.21)     → accessories.db (primary + replica), accessories.cache
 * - Storage volumes                               → volumes.pgdata on both database servers
 * - Security groups / firewall rules              → firewalls (public only on the bastion)
 * - Cloudflare CDN/WAF + domain records           → dns (proxied, pointing at the balancer)
 * - Nginx reverse proxy                           → Caddy on the web nodes (proxy)
 * - Tux bot, API, auth, static files              → services
 * - Ansible roles system/docker/hardening         → hosts (UFW, fail2ban, unattended upgrades)
 * - Prometheus, Grafana, Alertmanager → Slack/mail → monitoring (on servers.monitor)
 * - Scheduled, encrypted backups to remote storage → backups.db (pgBackRest) into buckets.backups
 * - Staging + deployment pipeline with manual gate → environments.staging and ci.deploy
 * - Terraform graph and Mermaid views             → `slipway diagram`
 *
 * Expressed differently: Hetzner subnets are all private, so "public subnet" here means "has a public
 * address reachable from the internet". Private servers keep their public addresses (for image pulls
 * and updates without a NAT gateway) but the `private` firewall drops every inbound packet on them;
 * the balancer reaches the web nodes, and the bastion every node, over the private network. The bot
 * must connect to Discord exactly once, so it runs on its own one-server group instead of on both web
 * nodes. Log aggregation (Fluentd/Elasticsearch/Kibana) becomes Docker log rotation plus Dozzle.
 */
import { defineStack, secret } from "slipway";

export default defineStack({
  name: "tux",
  location: "fsn1",

  ssh: { bastion: "bastion" },

  networks: {
    main: {
      ipRange: "10.0.0.0/16",
      subnets: {
        public: { ipRange: "10.0.1.0/24" },
        private: { ipRange: "10.0.2.0/24" },
      },
    },
  },

  placementGroups: { web: {} },

  servers: {
    bastion: {
      type: "cx22",
      image: "debian-12",
      networks: { main: { subnet: "public", ips: ["10.0.1.20"] } },
    },
    web: {
      type: "cx32",
      image: "debian-12",
      count: 2,
      placementGroup: "web",
      networks: { main: { subnet: "private", ips: ["10.0.2.10", "10.0.2.11"] } },
    },
    bot: { type: "cx22", image: "debian-12", networks: { main: { subnet: "private", ips: ["10.0.2.12"] } } },
    db: { type: "cx32", image: "debian-12", networks: { main: { subnet: "private", ips: ["10.0.2.20"] } } },
    "db-replica": {
      type: "cx32",
      image: "debian-12",
      networks: { main: { subnet: "private", ips: ["10.0.2.22"] } },
    },
    cache: {
      type: "cx22",
      image: "debian-12",
      networks: { main: { subnet: "private", ips: ["10.0.2.21"] } },
    },
    monitor: {
      type: "cx22",
      image: "debian-12",
      networks: { main: { subnet: "private", ips: ["10.0.2.30"] } },
    },
  },

  firewalls: {
    bastion: {
      applyTo: ["bastion"],
      rules: [{ port: 22, description: "SSH jump host" }, { protocol: "icmp" }],
    },
    private: {
      applyTo: ["web", "bot", "db", "db-replica", "cache", "monitor"],
      rules: [],
    },
  },

  loadBalancers: {
    main: {
      network: "main",
      ip: "10.0.1.10",
      targets: ["web"],
      algorithm: "least_connections",
      services: [
        { listen: 80, healthcheck: { protocol: "http", path: "/health", domain: "tux.example.com" } },
        { listen: 443 },
      ],
    },
  },

  volumes: {
    pgdata: { size: 50, servers: ["db", "db-replica"] },
  },

  dns: {
    zone: "tux.example.com",
    proxied: true,
    records: [
      { name: "@", loadBalancer: "main" },
      { name: "api", loadBalancer: "main" },
    ],
  },

  registry: {
    server: "ghcr.io",
    namespace: "allthingslinux/tux",
    username: "tux-bot",
    password: secret("GHCR_TOKEN"),
  },

  services: {
    bot: {
      build: { context: ".", dockerfile: "Dockerfile", target: "production" },
      servers: ["bot"],
      env: {
        DISCORD_TOKEN: secret("DISCORD_TOKEN"),
        DATABASE_URL: secret("DATABASE_URL"),
        REDIS_URL: secret("REDIS_URL"),
      },
      hooks: { preDeploy: ["tux", "db", "migrate"] },
      dependsOn: ["db", "cache"],
    },
    api: {
      build: { context: "./api" },
      servers: ["web"],
      port: 8000,
      domains: ["api.tux.example.com"],
      healthcheck: { path: "/health" },
      env: {
        DATABASE_URL: secret("DATABASE_URL"),
        REDIS_URL: secret("REDIS_URL"),
        AUTH_URL: "http://auth:8001",
        GITHUB_TOKEN: secret("GITHUB_TOKEN"),
      },
      dependsOn: ["db", "cache", "auth"],
    },
    auth: {
      build: { context: "./auth" },
      servers: ["web"],
      port: 8001,
      healthcheck: { path: "/health" },
      env: { DATABASE_URL: secret("DATABASE_URL"), JWT_SECRET: secret("JWT_SECRET") },
      dependsOn: ["db"],
    },
    static: {
      build: { context: "./web" },
      servers: ["web"],
      port: 8080,
      domains: ["tux.example.com"],
      healthcheck: { path: "/health" },
    },
  },

  accessories: {
    db: {
      type: "postgres",
      version: "16",
      server: "db",
      replicas: ["db-replica"],
      network: "main",
      volume: "pgdata",
      database: "tux",
      user: "tux",
      password: secret("POSTGRES_PASSWORD"),
      ssl: true,
      settings: { max_connections: 200 },
    },
    cache: {
      type: "redis",
      server: "cache",
      network: "main",
      password: secret("REDIS_PASSWORD"),
      settings: { maxmemory: "512mb", "maxmemory-policy": "allkeys-lru" },
    },
  },

  buckets: {
    backups: { lifecycle: [{ prefix: "db/", expireDays: 365 }] },
  },

  backups: {
    db: {
      accessory: "db",
      bucket: "backups",
      schedule: "15 2 * * *",
      retention: { daily: 7, weekly: 4, monthly: 12 },
      passphrase: secret("BACKUP_PASSPHRASE"),
      verify: "0 6 * * 0",
    },
  },

  hosts: {
    fail2ban: { maxRetry: 3, banTime: "24h" },
    upgrades: { reboot: true, rebootTime: "04:30" },
    swap: "2G",
  },

  logs: { dozzle: { server: "monitor" } },

  monitoring: {
    server: "monitor",
    retention: "30d",
    alerts: { email: ["ops@tux.example.com"], slackWebhook: secret("SLACK_WEBHOOK_URL") },
  },

  environments: {
    staging: {
      servers: {
        web: { type: "cx22", count: 1, networks: { main: { subnet: "private", ips: ["10.0.2.10"] } } },
        "db-replica": null,
        db: { type: "cx22" },
      },
      volumes: { pgdata: { size: 10, servers: ["db"] } },
      accessories: { db: { replicas: [] } },
      firewalls: { private: { applyTo: ["web", "bot", "db", "cache", "monitor"] } },
      dns: {
        records: [
          { name: "staging", loadBalancer: "main" },
          { name: "api-staging", loadBalancer: "main" },
        ],
      },
      loadBalancers: {
        main: {
          services: [
            {
              listen: 80,
              healthcheck: { protocol: "http", path: "/health", domain: "staging.tux.example.com" },
            },
            { listen: 443 },
          ],
        },
      },
      services: {
        api: { domains: ["api-staging.tux.example.com"] },
        static: { domains: ["staging.tux.example.com"] },
      },
      backups: { db: { retention: { daily: 3, weekly: 0, monthly: 0 } } },
    },
  },

  ci: {
    branches: ["main"],
    checks: { lint: "poetry run ruff check .", test: "poetry run pytest" },
    scans: ["gitleaks", "trivy"],
    imageTags: ["sha", "latest"],
    deploy: [{ environment: "staging" }, { environment: "production", approval: true }],
  },
});
