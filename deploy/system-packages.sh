#!/usr/bin/env bash
# System packages some tests need, installed from Debian's packages when missing.
# Runs as part of `make test`; it needs root and apt-get, and otherwise only says what is
# missing (the tests that need a missing tool then fail with a message naming it).
# One line per tool: "<command> <debian package>".
set -uo pipefail
wanted=(
  "redis-server redis-server"
  "chromium chromium"
)
missing=()
for line in "${wanted[@]}"; do
  read -r tool package <<<"$line"
  command -v "$tool" >/dev/null 2>&1 || missing+=("$package")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing system packages (install them): ${missing[*]}" >&2
fi
