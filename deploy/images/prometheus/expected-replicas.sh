#!/bin/sh
# Writes /etc/prometheus/generated/expected-replicas.yml, one recording rule per service:
# job:replicas_expected:count{job="<service>"} = <SERVICE>_REPLICAS (compose passes the same
# variables it scales the services by), then runs the command. ReplicaDown compares the
# replicas answering with these: a stopped replica vanishes from Docker's DNS, and so from
# Prometheus's targets, so `up == 0` alone would never see it.
set -eu
rules=/etc/prometheus/generated/expected-replicas.yml
{
  echo "groups:"
  echo "  - name: expected-replicas"
  echo "    rules:"
  for job in ${EXPECTED_JOBS:-registration approval reporting portal notifications}; do
    variable=$(echo "$job" | tr 'a-z-' 'A-Z_')_REPLICAS
    count=$(eval "echo \${$variable:-1}")
    case $count in
      "" | *[!0-9]*) echo "expected-replicas: $variable=$count is not a number" >&2; exit 2 ;;
    esac
    echo "      - record: job:replicas_expected:count"
    echo "        expr: label_replace(vector($count), \"job\", \"$job\", \"\", \"\")"
  done
} >"$rules"
exec "$@"
