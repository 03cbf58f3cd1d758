#!/usr/bin/env bash
# Installs everything slipway and its tests need on a Debian 12 machine, and starts the Docker engine.
# Safe to run again: each step is skipped when already done. Needs root (apt, dockerd, iptables).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[2m[setup] %s\033[0m\n' "$*" >&2; }

packages=()
command -v dockerd >/dev/null || packages+=(docker.io)
command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || packages+=(debootstrap)
command -v iptables >/dev/null || [ -x /usr/sbin/iptables ] || packages+=(iptables)
command -v openssl >/dev/null || packages+=(openssl)
command -v curl >/dev/null || packages+=(curl)
command -v tar >/dev/null || packages+=(tar)
command -v ssh-keygen >/dev/null || packages+=(openssh-client)
command -v hcloud >/dev/null || packages+=(hcloud-cli)
command -v restic >/dev/null || packages+=(restic)
command -v pgbackrest >/dev/null || packages+=(pgbackrest)
# The S3 store tests run pgBackRest against a real PostgreSQL cluster.
[ -x /usr/lib/postgresql/15/bin/initdb ] || packages+=(postgresql-15)
if [ ${#packages[@]} -gt 0 ]; then
  log "installing ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting the Docker engine"
  (setsid dockerd >/var/log/slipway-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/slipway-dockerd.log" >&2; exit 1; }
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (Node 24 comes with them)"
  # `npm install`, not `npm ci`: the registry these machines reach lacks the other platforms' optional
  # Biome binaries, so the lock file cannot list them and `npm ci` refuses it as out of sync.
  npm install --no-audit --no-fund --loglevel=error
fi
