# A TCP forwarder (socat from Debian) for sandbox services that run on the host but need an address on
# the sandbox network, like the S3 store: TLS passes through untouched.
FROM slipway/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends socat \
 && rm -rf /var/lib/apt/lists/*
