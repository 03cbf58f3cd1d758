# Let's Encrypt's ACME test server, from Debian's pebble package.
FROM slipway/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pebble ca-certificates \
 && rm -rf /var/lib/apt/lists/*
