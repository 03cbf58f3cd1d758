# A sandbox server: Debian 12 with what Hetzner's debian-12 image has (sshd, curl, sudo, python3), plus
# Docker preinstalled (as in Hetzner's docker-ce app image) so bootstrapping a server does not download
# 60 MB per VM. No systemd: the boot script starts dockerd and sshd itself.
FROM slipway/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openssh-server docker.io iproute2 iptables ca-certificates curl sudo procps less python3 tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/ssh/ssh_host_* \
 && mkdir -p /var/lib/cloud/seed /var/lib/cloud/instance /run/sshd
COPY vm-boot.sh /usr/local/sbin/slipway-vm-boot
RUN chmod 755 /usr/local/sbin/slipway-vm-boot
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/usr/local/sbin/slipway-vm-boot"]
