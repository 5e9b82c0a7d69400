#!/bin/sh
# Which node is what now, by its compose service name (REDIS_NODES: "name=address ..."),
# as this container's Sentinel (port 26379) sees it; for the runbook's commands.
#   redis-which primary    the primary the Sentinels name
#   redis-which replica    a replica in sync with it (for backups), or exit 1
#   redis-which            every node with its role and replication link
set -eu
master=${REDIS_MASTER_NAME:-breakthrough}
name_of() {
  for pair in ${REDIS_NODES:?}; do
    [ "${pair#*=}" = "$1" ] && { echo "${pair%%=*}"; return; }
  done
  echo "$1"
}
primary=$(redis-cli -p 26379 --raw SENTINEL get-master-addr-by-name "$master" | head -n 1)
case "${1:-}" in
  primary) name_of "$primary" ;;
  replica)
    for pair in $REDIS_NODES; do
      address=${pair#*=}
      [ "$address" = "$primary" ] && continue
      if redis-cli -h "$address" INFO replication 2>/dev/null | grep -q '^master_link_status:up'; then
        echo "${pair%%=*}"
        exit 0
      fi
    done
    echo "redis-which: no replica in sync with $(name_of "$primary")" >&2
    exit 1 ;;
  *)
    for pair in $REDIS_NODES; do
      info=$(redis-cli -h "${pair#*=}" INFO replication 2>/dev/null | tr -d '\r' \
        | grep -E '^(role|master_link_status|connected_slaves):' | tr '\n' ' ' || true)
      echo "${pair%%=*} ${pair#*=} ${info:-does not answer}"
    done ;;
esac
