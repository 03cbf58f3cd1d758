/**
 * Mandari 2.0 (seed 004): a Hetzner load balancer in front of two cx31 VMs. The master runs Caddy, API,
 * web frontends, the ingestor, the Postgres primary, the Redis master and Meilisearch; the replica node
 * runs Caddy, API, web, a Postgres replica and a Redis replica. Two 50 GB volumes, UFW, fail2ban,
 * Postgres over SSL and encrypted backups.
 *
 * What maps where:
 * - terraform/main.tf (servers, LB, volumes, firewall "mandari-firewall") → servers, loadBalancers,
 *   volumes, firewalls.firewall (slipway names it "<stack>-<name>")
 * - ansible setup.yml (Docker, security)        → hosts (UFW, fail2ban, upgrades)
 * - docker-compose.master.yml / .slave.yml       → services and accessories placed on master / replica
 * - postgres-setup.yml (replication)             → accessories.db.replicas
 * - deploy.sh infra | setup | app | all | status → slipway up | up | deploy | up && deploy | status
 * - backup.sh db | files | full | list | restore-db → backups.db, backups.files; `slipway backup
 *   run|list|restore`
 * - failover.sh check | promote | switchover     → `slipway db status|promote|switchover`
 * - rollback.yml                                 → `slipway rollback`
 * - /health endpoints, Docker health checks      → services.*.healthcheck
 *
 * Expressed differently: the seed runs Meilisearch on both nodes, but Meilisearch has no replication,
 * so two copies would drift apart; slipway runs one instance on the master, reachable from both nodes
 * over the private network. The seed's AES-256-GCM at rest is, for backups, restic's and pgBackRest's
 * AES-256 encryption under `passphrase`. DNS lives in Cloudflare (unproxied), the only DNS provider
 * slipway drives; mandari.de becomes mandari.example.com. Uploads live on each node's own volume, as
 * in the seed, so `backups.files` copies the master's; moving them to a bucket would remove that gap.
 */
import { defineStack, secret } from "slipway";

export default defineStack({
  name: "mandari",
  location: "nbg1",

  networks: {
    main: { ipRange: "10.0.0.0/16", subnets: { nodes: { ipRange: "10.0.1.0/24" } } },
  },

  placementGroups: { nodes: {} },

  servers: {
    master: {
      type: "cx31",
      image: "debian-12",
      placementGroup: "nodes",
      networks: { main: { ips: ["10.0.1.10"] } },
      labels: { role: "master" },
      protect: true,
    },
    replica: {
      type: "cx31",
      image: "debian-12",
      placementGroup: "nodes",
      networks: { main: { ips: ["10.0.1.11"] } },
      labels: { role: "replica" },
      protect: true,
    },
  },

  volumes: {
    data: { size: 50, servers: ["master", "replica"], mountPath: "/mnt/data" },
  },

  firewalls: {
    firewall: {
      applyTo: ["master", "replica"],
      rules: [{ port: 22, description: "SSH" }, { protocol: "icmp" }],
    },
  },

  loadBalancers: {
    main: {
      type: "lb11",
      network: "main",
      targets: ["master", "replica"],
      services: [{ listen: 80 }, { listen: 443 }],
    },
  },

  dns: {
    zone: "mandari.example.com",
    records: [
      { name: "@", loadBalancer: "main" },
      { name: "www", loadBalancer: "main" },
    ],
  },

  registry: {
    server: "ghcr.io",
    namespace: "mandari",
    username: "mandari-deploy",
    password: secret("GHCR_TOKEN"),
  },

  services: {
    web: {
      image: "ghcr.io/mandari/web:2.0.0",
      servers: ["master", "replica"],
      port: 3000,
      domains: ["mandari.example.com", "www.mandari.example.com"],
      healthcheck: { path: "/health" },
      env: { NODE_ENV: "production", API_URL: "https://mandari.example.com/api" },
      user: "1000:1000",
    },
    api: {
      image: "ghcr.io/mandari/api:2.0.0",
      servers: ["master", "replica"],
      port: 8000,
      domains: ["mandari.example.com"],
      pathPrefix: "/api",
      healthcheck: { path: "/health" },
      env: {
        DATABASE_URL: secret("DATABASE_URL"),
        DATABASE_SSLMODE: "require",
        REDIS_URL: secret("REDIS_URL"),
        MEILI_URL: "http://10.0.1.10:7700",
        MEILI_MASTER_KEY: secret("MEILI_MASTER_KEY"),
        SECRET_KEY: secret("DJANGO_SECRET_KEY"),
      },
      mounts: ["/mnt/data/uploads:/app/uploads"],
      hooks: { preDeploy: ["python", "manage.py", "migrate", "--noinput"] },
      user: "1000:1000",
      replicas: 2,
      dependsOn: ["db", "cache", "search"],
    },
    ingestor: {
      image: "ghcr.io/mandari/ingestor:2.0.0",
      servers: ["master"],
      env: { DATABASE_URL: secret("DATABASE_URL"), MEILI_MASTER_KEY: secret("MEILI_MASTER_KEY") },
      user: "1000:1000",
      dependsOn: ["db", "search"],
    },
  },

  accessories: {
    db: {
      type: "postgres",
      version: "16",
      server: "master",
      replicas: ["replica"],
      network: "main",
      volume: "data",
      database: "mandari",
      user: "mandari",
      password: secret("POSTGRES_PASSWORD"),
      ssl: true,
    },
    cache: {
      type: "redis",
      server: "master",
      replicas: ["replica"],
      network: "main",
      volume: "data",
      password: secret("REDIS_PASSWORD"),
      settings: { appendonly: "yes" },
    },
    search: {
      type: "meilisearch",
      server: "master",
      network: "main",
      volume: "data",
      masterKey: secret("MEILI_MASTER_KEY"),
    },
  },

  buckets: {
    backups: { name: "mandari-backups", versioning: true, lifecycle: [{ noncurrentExpireDays: 14 }] },
  },

  backups: {
    db: {
      accessory: "db",
      bucket: "backups",
      schedule: "0 2 * * *",
      retention: { daily: 7, weekly: 4, monthly: 6 },
      passphrase: secret("BACKUP_PASSPHRASE"),
    },
    files: {
      paths: ["/mnt/data/uploads"],
      servers: ["master"],
      bucket: "backups",
      schedule: "30 2 * * *",
      passphrase: secret("BACKUP_PASSPHRASE"),
    },
  },

  hosts: {
    ufw: { enabled: true },
    fail2ban: { enabled: true, maxRetry: 5 },
    timezone: "Europe/Berlin",
  },
});
