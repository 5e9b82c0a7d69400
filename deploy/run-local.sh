#!/usr/bin/env bash
# Start the whole system on this machine: Redis and the three services, in the foreground.
#   - REDIS_URL set: use that Redis.
#   - otherwise: a private redis-server on REDIS_PORT (default 6390) keeping its data
#     with AOF under .data/redis (never the Redis on 6379).
# Logs go to .data/logs/<service>.log. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON_BIN:-$root/.venv/bin/python}
mkdir -p .data/logs

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped"
}
trap stop EXIT INT TERM

if [[ -z "${REDIS_URL:-}" ]]; then
  port=${REDIS_PORT:-6390}
  command -v redis-server >/dev/null || { echo "redis-server not found: install it or set REDIS_URL" >&2; exit 1; }
  if redis-cli -p "$port" ping >/dev/null 2>&1; then
    echo "port $port already answers as a Redis: set REDIS_PORT or REDIS_URL" >&2; exit 1
  fi
  mkdir -p .data/redis
  redis-server --bind 127.0.0.1 --port "$port" --dir "$root/.data/redis" \
    --appendonly yes --appendfsync everysec --save "" \
    --logfile "$root/.data/logs/redis.log" &
  pids+=($!)
  export REDIS_URL="redis://127.0.0.1:$port/0"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "redis        $REDIS_URL (AOF in .data/redis)"
else
  echo "redis        $REDIS_URL"
fi

# Bearer tokens: API_TOKENS / API_TOKENS_FILE if given, else tokens made once for this
# checkout and kept in .data/api-tokens (readable by this user only).
if [[ -z "${API_TOKENS:-}${API_TOKENS_FILE:-}" && "${ALLOW_ANONYMOUS:-}" != "true" ]]; then
  tokens=.data/api-tokens
  if [[ ! -s $tokens ]]; then
    (umask 077
     for role in registrant approver viewer admin; do
       echo "$role:$("$python" -c 'import secrets; print(secrets.token_urlsafe(24))'):$role-local"
     done > "$tokens")
  fi
  export API_TOKENS_FILE="$root/$tokens"
  echo "tokens       (in $tokens; send as 'Authorization: Bearer <token>')"
  while IFS=: read -r role token _; do printf '  %-11s %s\n' "$role" "$token"; done < "$tokens"
fi

declare -A ports=([registration]=${REGISTRATION_PORT:-8001} [approval]=${APPROVAL_PORT:-8002} [reporting]=${REPORTING_PORT:-8003})
for name in registration approval reporting; do
  PORT=${ports[$name]} REPLICA_NAME="$name-local" "$python" -m "services.$name" \
    >>".data/logs/$name.log" 2>&1 &
  pids+=($!)
done

for name in registration approval reporting; do
  url="http://127.0.0.1:${ports[$name]}"
  for _ in $(seq 100); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  if curl -fsS "$url/readyz" >/dev/null 2>&1; then
    echo "$(printf '%-12s' "$name") $url   (log: .data/logs/$name.log)"
  else
    echo "$name did not become ready; see .data/logs/$name.log" >&2
    exit 1
  fi
done

cat <<MSG

All running. Load the demo data (Hai Duong 2023 and 2024) from another terminal:
    make demo
then read the provincial totals (a viewer or admin token from above):
    curl -s -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:${ports[reporting]}/reports/2024
Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
echo "a process exited; stopping the rest (see .data/logs)" >&2
exit 1
