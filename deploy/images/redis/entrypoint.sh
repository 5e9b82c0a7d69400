#!/bin/sh
# redis-server with the password of REDIS_PASSWORD_FILE (default /run/secrets/redis_password)
# handed over on its standard input, where no `ps` or `docker inspect` shows it. Any other
# command runs as given.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  file=${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}
  password=$(cat "$file" 2>/dev/null || true)
  case $password in
    "" | *[!A-Za-z0-9]*)
      echo "redis: no password in $file (letters and digits only): refusing to start an open Redis" >&2
      exit 2 ;;
  esac
  exec redis-server - "$@" <<CONFIG
requirepass "$password"
CONFIG
fi
exec "$@"
