# A sandbox server: Debian 12 with what Hetzner's debian-12 image has (sshd, curl, sudo, python3), plus
# Docker preinstalled (as in Hetzner's docker-ce app image) so bootstrapping a server does not download
# 60 MB per VM. ufw, fail2ban and unattended-upgrades are preinstalled for the same reason: slipway still
# runs its install step, which finds them present. They start disabled, as on a host that never had
# them configured. rsyslog gives sshd an /var/log/auth.log for fail2ban to read (there is no journald).
# No systemd: the boot script starts services itself, through their init scripts where they have one.
FROM slipway/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openssh-server docker.io iproute2 iptables ca-certificates curl sudo procps less python3 tini \
      ufw fail2ban unattended-upgrades rsyslog tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /etc/ssh/ssh_host_* \
 && update-rc.d fail2ban disable \
 && sed -i -E 's/^(\s*)ulimit (.*)$/\1ulimit \2 2>\/dev\/null || true/' /etc/init.d/docker \
 && sed -i -E 's/^(module\(load="imklog")/# \1/' /etc/rsyslog.conf \
 && mkdir -p /var/lib/cloud/seed /var/lib/cloud/instance /run/sshd
# The init script raises ulimits first, which a container without CAP_SYS_RESOURCE may not: it would stop
# there, so `service docker restart` (what slipway runs on a host without systemd) could never work.
COPY vm-boot.sh /usr/local/sbin/slipway-vm-boot
RUN chmod 755 /usr/local/sbin/slipway-vm-boot
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/usr/local/sbin/slipway-vm-boot"]
