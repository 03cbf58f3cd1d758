#!/bin/sh
# Runs redis-server as the redis user on all addresses of the container (only the stack's private
# Docker network reaches it), with settings given as arguments. The password goes into a config file
# rather than argv, so it never shows in a process list.
set -eu
chown redis:redis /data
conf=/run/slipway-redis.conf
: > "$conf"
if [ -n "${REDIS_PASSWORD:-}" ]; then printf 'requirepass "%s"\n' "$REDIS_PASSWORD" > "$conf"; fi
chown redis:redis "$conf"
chmod 600 "$conf"
exec setpriv --reuid=redis --regid=redis --init-groups redis-server "$conf" --bind 0.0.0.0 --protected-mode no --dir /data "$@"
