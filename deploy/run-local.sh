#!/usr/bin/env bash
# Start the whole system on this machine: Redis, the three services and the portal, in the
# foreground.
#   - REDIS_URL set: use that Redis.
#   - otherwise: a private redis-server on REDIS_PORT (default 6390) keeping its data
#     with AOF under .data/redis (appendfsync always: a write is answered once it is on
#     disk; never the Redis on 6379).
#   - the services on REGISTRATION_PORT, APPROVAL_PORT, REPORTING_PORT (8001-8003), the
#     portal on PORTAL_PORT (8000), signing people in with a token (TOKEN_SIGN_IN=link: the
#     links printed below, each confirmed on a page).
# Logs go to .data/logs/<name>.log. Ctrl-C stops everything this script started.
# Everything under .data (Redis's data, the logs, the tokens) is readable by this user only.
set -euo pipefail
# everything this script makes (.data: Redis's AOF files, logs, tokens, the portal's session
# key) is readable by this user alone: whoever reads Redis's files reads its sessions
umask 077
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON_BIN:-$root/.venv/bin/python}
mkdir -p .data/logs
chmod -R go-rwx .data  # made by an earlier version, world-readable
chmod 0700 .data

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
    --appendonly yes --appendfsync always --save "" \
    --logfile "$root/.data/logs/redis.log" &
  pids+=($!)
  export REDIS_URL="redis://127.0.0.1:$port/0"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "redis        $REDIS_URL (AOF in .data/redis)"
else
  echo "redis        $REDIS_URL"
fi

# Bearer tokens: API_TOKENS / API_TOKENS_FILE if given, else tokens made once for this
# checkout and kept in .data/api-tokens (readable by this user only), each bound to a person:
# an admin for the demo (quan-tri), the committee's secretary (thu-ky), a leader of the demo
# (pham-quang-hung, Chairman of Kim Thanh District: he may act on his own tasks only) and a
# viewer for staff.
if [[ -z "${API_TOKENS:-}${API_TOKENS_FILE:-}" && "${ALLOW_ANONYMOUS:-}" != "true" ]]; then
  tokens=.data/api-tokens
  if [[ ! -s $tokens ]] || ! grep -q '^registrant:[^:]*:' "$tokens"; then
    (umask 077
     for entry in admin:quan-tri approver:thu-ky registrant:pham-quang-hung viewer:nhan-vien; do
       role=${entry%%:*} person=${entry#*:}
       echo "$role:$("$python" -c 'import secrets; print(secrets.token_urlsafe(24))'):$person"
     done > "$tokens")
  fi
  export API_TOKENS_FILE="$root/$tokens"
  echo "tokens       (in $tokens; send as 'Authorization: Bearer <token>')"
  while IFS=: read -r role token person; do printf '  %-11s %-16s %s\n' "$role" "$person" "$token"; done < "$tokens"
fi

declare -A ports=([registration]=${REGISTRATION_PORT:-8001} [approval]=${APPROVAL_PORT:-8002}
                  [reporting]=${REPORTING_PORT:-8003} [portal]=${PORTAL_PORT:-8000})
for name in registration approval reporting; do
  PORT=${ports[$name]} "$python" -m "services.$name" \
    >>".data/logs/$name.log" 2>&1 &
  pids+=($!)
done
# The portal calls the services as the signed-in person; its sessions go to the same Redis,
# their tokens sealed with a key made once for this checkout (.data/session-key).
if [[ -z "${SESSION_KEY:-}${SESSION_KEY_FILE:-}" ]]; then
  [[ -s .data/session-key ]] || "$python" -c 'import secrets; print(secrets.token_urlsafe(48))' > .data/session-key
  export SESSION_KEY_FILE="$root/.data/session-key"
fi
PORT=${ports[portal]} TOKEN_SIGN_IN=${TOKEN_SIGN_IN:-link} \
  REGISTRATION_URL="http://127.0.0.1:${ports[registration]}" \
  APPROVAL_URL="http://127.0.0.1:${ports[approval]}" \
  REPORTING_URL="http://127.0.0.1:${ports[reporting]}" \
  "$python" -m services.portal >>.data/logs/portal.log 2>&1 &
pids+=($!)

for name in registration approval reporting portal; do
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

portal="http://127.0.0.1:${ports[portal]}"
if [[ -n "${tokens:-}" ]]; then
  echo
  echo "the portal, signed in as each person (a link per role; the token after # never leaves the browser):"
  while IFS=: read -r role token person; do
    printf '  %-11s %-16s %s/#token=%s\n' "$role" "$person" "$portal" "$token"
  done < "$tokens"
  echo "  (the demo's year: put ?year=2024 before the #, e.g. $portal/?year=2024#token=...)"
fi

cat <<MSG

All running. Load the demo data (Hai Duong 2023 and 2024) from another terminal:
    make demo
then open the portal ($portal, with a link above), or read the provincial totals (a viewer
or admin token from above):
    curl -s -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:${ports[reporting]}/reports/2024
Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
echo "a process exited; stopping the rest (see .data/logs)" >&2
exit 1
