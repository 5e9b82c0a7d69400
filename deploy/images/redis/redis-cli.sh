#!/bin/sh
# redis-cli, authenticated with the servers' password file when one can be read (the
# nodes and the Sentinels share it).
file=${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}
if [ -z "${REDISCLI_AUTH:-}" ] && [ -r "$file" ]; then
  REDISCLI_AUTH=$(cat "$file")
  export REDISCLI_AUTH
fi
exec /usr/bin/redis-cli "$@"
