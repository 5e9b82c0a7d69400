#!/bin/sh
# The password of REDIS_PASSWORD_FILE (default /run/secrets/redis_password) handed over on
# standard input or in a file only this user reads, where no `ps` or `docker inspect` shows
# it; every file made is this user's only (umask 077).
#
#   redis-server ARGS...  a node. Its role is asked of the Sentinels (REDIS_SENTINELS,
#                         host:port each, for REDIS_MASTER_NAME): the primary they name, or a
#                         replica of it. Only when none answers (the first start of all)
#                         is REDIS_INITIAL_PRIMARY (host) the primary and the others its
#                         replicas. REDIS_ADDRESS is this node's own address.
#   redis-sentinel        a Sentinel: /data/sentinel.conf, made at its first start to watch
#                         REDIS_INITIAL_PRIMARY, then kept (Sentinel writes what it learns
#                         there); its password lines are set again from the file each start.
#   anything else         runs as given.
set -eu
umask 077
file=${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}
password=$(cat "$file" 2>/dev/null || true)
master=${REDIS_MASTER_NAME:-breakthrough}

need_password() {
  case $password in
    "" | *[!A-Za-z0-9]*)
      echo "redis: no password in $file (letters and digits only): refusing to start an open Redis" >&2
      exit 2 ;;
  esac
}

# The primary's address as the first Sentinel that answers names it ("host port"), or
# nothing; tries for up to $1 seconds.
primary_named() {
  deadline=$(( $(date +%s) + $1 ))
  while :; do
    for sentinel in $(echo "${REDIS_SENTINELS:-}" | tr ',' ' '); do
      host=${sentinel%:*} port=${sentinel##*:}
      answer=$(REDISCLI_AUTH=$password timeout 2 /usr/bin/redis-cli -h "$host" -p "$port" \
        --raw SENTINEL get-master-addr-by-name "$master" 2>/dev/null | tr '\n' ' ') || true
      case $answer in
        *[0-9]" "*[0-9]" ") echo "$answer"; return ;;
      esac
    done
    [ "$(date +%s)" -ge "$deadline" ] && return
    sleep 1
  done
}

case "${1:-}" in
  redis-server)
    need_password
    shift
    role=""
    if [ -n "${REDIS_SENTINELS:-}" ]; then
      named=$(primary_named "${REDIS_ASK_SENTINELS_FOR:-20}")
      if [ -n "$named" ]; then
        primary_host=${named%% *} rest=${named#* } primary_port=${rest%% *}
        if [ "$primary_host" = "${REDIS_ADDRESS:-}" ]; then
          role="primary (as the Sentinels say)"
        else
          role="replica of $primary_host:$primary_port (the primary the Sentinels name)"
          replicaof="replicaof $primary_host $primary_port"
        fi
      elif [ -n "${REDIS_INITIAL_PRIMARY:-}" ] && [ "$REDIS_INITIAL_PRIMARY" != "${REDIS_ADDRESS:-}" ]; then
        role="replica of $REDIS_INITIAL_PRIMARY:6379 (no Sentinel answers: the initial primary)"
        replicaof="replicaof $REDIS_INITIAL_PRIMARY 6379"
      else
        role="primary (no Sentinel answers: the initial primary)"
      fi
      echo "redis-entrypoint: starting as $role" >&2
    fi
    exec redis-server - "$@" <<CONFIG
requirepass "$password"
masterauth "$password"
${replicaof:-}
CONFIG
    ;;
  redis-sentinel)
    need_password
    shift
    conf=/data/sentinel.conf
    if [ ! -s "$conf" ]; then
      : "${REDIS_INITIAL_PRIMARY:?the primary to watch first}"
      cat >"$conf" <<CONFIG
port 26379
dir /data
sentinel monitor $master $REDIS_INITIAL_PRIMARY 6379 ${SENTINEL_QUORUM:-2}
sentinel down-after-milliseconds $master ${SENTINEL_DOWN_AFTER_MS:-5000}
sentinel failover-timeout $master ${SENTINEL_FAILOVER_TIMEOUT_MS:-60000}
sentinel parallel-syncs $master 1
CONFIG
    fi
    # the password as the file says now (changing it: edit the file, recreate everything)
    sed -i -e '/^requirepass /d' -e '/^user default /d' -e "/^sentinel auth-pass $master /d" "$conf"
    printf 'requirepass "%s"\nsentinel auth-pass %s "%s"\n' "$password" "$master" "$password" >>"$conf"
    exec redis-sentinel "$conf" "$@"
    ;;
esac
exec "$@"
