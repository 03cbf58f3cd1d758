/**
 * web-accessories: one web service with a Postgres database and a Redis cache beside it on the same
 * server. The accessories are built from Debian 12's packages on the server, keep their data in named
 * volumes, and are reachable only from the stack's containers: the app finds them through DB_URL and
 * CACHE_URL, which slipway injects because the service depends on them. Passwords come from the
 * environment: export DB_PASSWORD=… CACHE_PASSWORD=… before `slipway up`.
 */
import { defineStack, secret } from "slipway";

export default defineStack({
  name: "web-accessories",
  location: "fsn1",
  servers: {
    web: { type: "cx22", image: "debian-12" },
  },
  services: {
    web: {
      build: { context: "./app" },
      servers: ["web"],
      port: 8080,
      domains: ["accessories.slipway.test"],
      healthcheck: { path: "/health" },
      env: { GREETING: "Hello from a stack with a database" },
      dependsOn: ["db", "cache"],
    },
  },
  accessories: {
    db: { type: "postgres", version: "15", server: "web", password: secret("DB_PASSWORD") },
    cache: { type: "redis", version: "7", server: "web", password: secret("CACHE_PASSWORD") },
  },
});
