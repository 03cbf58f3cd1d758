# A Hetzner load balancer: HAProxy 2.6 from Debian, run in master-worker mode (-W) in the foreground
# (-db) so a SIGUSR2 reloads a changed configuration while old workers finish their connections.
# The configuration and the stats socket live in /etc/haproxy/slipway, a directory shared with the host.
FROM slipway/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/haproxy/slipway
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/slipway/haproxy.cfg"]
