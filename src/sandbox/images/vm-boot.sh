#!/bin/bash
# Boot of a sandbox server. First boot runs what the emulator made of user_data (cloud-init subset):
# init.sh before sshd and dockerd start (host keys, users, files), final.sh after (runcmd), like
# cloud-init's init and final stages. Every boot then reaches the sandbox's loopback addresses and
# starts, as an init system would: rsyslog, ufw (when enabled), dockerd (mirror of Docker Hub = the
# sandbox registry) through its init script, so `service docker restart` works later, sshd, and every
# other service enabled in /etc/rc2.d (fail2ban once slipway enables it).
set -u
seed=/var/lib/cloud/seed
instance=/var/lib/cloud/instance
# /run starts empty at every boot, as the tmpfs it is on a real host: a pid file or socket left from before
# a reboot would make a daemon (fail2ban) believe it is still running and refuse to start.
mountpoint -q /run || mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -p /run/sshd /run/lock "$instance"
rm -f "$instance/boot-finished"

first_boot=0
if [ ! -e "$instance/first-boot.done" ]; then first_boot=1; fi
if [ "$first_boot" = 1 ] && [ -f "$seed/init.sh" ]; then
  bash "$seed/init.sh" >>/var/log/cloud-init-output.log 2>&1 || echo "init.sh failed: $?" >>/var/log/cloud-init-output.log
fi
# Like cloud-init with preset ssh_keys: only a server without any host key gets generated ones.
ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -A >/dev/null

for spec in ${SLIPWAY_VM_NETMAP:-}; do
  iptables -t nat -C OUTPUT -d "${spec%=*}" -j NETMAP --to "${spec#*=}" 2>/dev/null \
    || iptables -t nat -A OUTPUT -d "${spec%=*}" -j NETMAP --to "${spec#*=}"
done
iptables -t nat -C POSTROUTING -s 127.0.0.0/8 ! -o lo -j MASQUERADE 2>/dev/null \
  || iptables -t nat -A POSTROUTING -s 127.0.0.0/8 ! -o lo -j MASQUERADE

command -v rsyslogd >/dev/null && rsyslogd
# ufw's init script loads the rules only when /etc/ufw/ufw.conf says ENABLED=yes, as at a real boot.
[ -x /etc/init.d/ufw ] && /etc/init.d/ufw start >>/var/log/boot.log 2>&1
printf 'DOCKER_OPTS="%s"\n' "--cgroup-parent=/${SLIPWAY_VM_CGROUP:-slipway-vm} ${SLIPWAY_VM_DOCKERD_ARGS:-}" >/etc/default/docker
service docker start >>/var/log/boot.log 2>&1
# sshd logs through syslog (auth.log), where fail2ban reads failed logins.
/usr/sbin/sshd -D 2>>/var/log/sshd.log &
sshd_pid=$!
for link in /etc/rc2.d/S*; do
  case "$link" in *ssh | *docker | '/etc/rc2.d/S*') continue ;; esac
  "$link" start >>/var/log/boot.log 2>&1
done

if [ "$first_boot" = 1 ]; then
  for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
  if [ -f "$seed/final.sh" ]; then
    bash "$seed/final.sh" >>/var/log/cloud-init-output.log 2>&1 || echo "final.sh failed: $?" >>/var/log/cloud-init-output.log
  fi
  touch "$instance/first-boot.done"
fi
touch "$instance/boot-finished"

# Stop services cleanly on ACPI-like shutdown (docker stop sends SIGTERM to tini, which forwards it here).
trap 'kill -TERM $sshd_pid 2>/dev/null; service docker stop >/dev/null 2>&1; wait' TERM INT
wait
