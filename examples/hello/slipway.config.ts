/**
 * hello: the smallest stack slipway runs. One server, one web service built from ./app, served over
 * HTTPS by Caddy. `slipway up` from an empty account (or the local sandbox) gives you
 * https://hello.slipway.test/ on the server's address.
 */
import { defineStack } from "slipway";

export default defineStack({
  name: "hello",
  location: "fsn1",
  servers: {
    web: { type: "cx22", image: "debian-12" },
  },
  services: {
    web: {
      build: { context: "./app" },
      servers: ["web"],
      port: 8080,
      domains: ["hello.slipway.test"],
      healthcheck: { path: "/health", interval: "1s", timeout: "2s", healthyThreshold: 2, deadline: "60s" },
      env: { GREETING: "Hello from slipway" },
    },
  },
});
