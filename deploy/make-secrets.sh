#!/usr/bin/env bash
# The files deploy/compose.yaml mounts as secrets, made where missing (an existing file is
# never touched, so an operator's own certificate or tokens stay):
#
#   deploy/make-secrets.sh [FOLDER]      # default: SECRETS_FOLDER, else deploy/secrets
#
#   redis_password   random, letters and digits; the Redis nodes and the Sentinels require
#                    it, and the services and the portal read it (REDIS_PASSWORD)
#   api_tokens       one token per role (registrant, approver, viewer, admin): role:token:name
#   oidc_issuer      empty: OpenID Connect off (write the issuer's URL to turn it on)
#   oidc_audience    empty (the audience access tokens must carry, with oidc_issuer)
#   oidc_client_secret  empty: the portal is a public client at the provider (write the
#                    secret of a confidential client here)
#   smtp_password    empty: SMTP_URL carries its password, or needs none (write the mail
#                    server's password here, SMTP_URL naming the user: deploy/README.md, "Mail")
#   session_key      random: the portal seals the tokens its sessions keep in Redis with it
#   tls.crt, tls.key a self-signed pair for local use (names: localhost, 127.0.0.1, this
#                    host's name and TLS_NAMES, comma separated); replace both with your own
#
# The folder is made readable by you alone; the files in it are mode 0644 (the key 0600)
# because the containers' users (uid 10001, redis) read them through their bind mounts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=${1:-${SECRETS_FOLDER:-$here/secrets}}
mkdir -p "$folder"
chmod 0700 "$folder"
cd "$folder"

made=()
random() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
write() { # name mode text: the text into the file, unless the file exists
  [[ -e $1 ]] && return
  (umask 077 && printf '%s' "$3" >"$1")
  chmod "$2" "$1"
  made+=("$1")
}

write redis_password 0644 "$(random)"
tokens=""
for role in registrant approver viewer admin; do
  tokens+="$role:$(random):$role-local"$'\n'
done
write api_tokens 0644 "$tokens"
write oidc_issuer 0644 ""
write oidc_audience 0644 ""
write oidc_client_secret 0644 ""
write smtp_password 0644 ""
write session_key 0644 "$(random)$(random)"

if [[ ! -e tls.crt && ! -e tls.key ]]; then
  command -v openssl >/dev/null || { echo "make-secrets: openssl is needed for tls.crt" >&2; exit 1; }
  names="DNS:localhost,IP:127.0.0.1,DNS:$(hostname)"
  IFS=, read -ra extra <<<"${TLS_NAMES:-}"
  for name in "${extra[@]}"; do
    [[ -z $name ]] && continue
    if [[ $name =~ ^[0-9.]+$|: ]]; then names+=",IP:$name"; else names+=",DNS:$name"; fi
  done
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 825 -subj "/CN=localhost" -addext "subjectAltName=$names" \
    -keyout tls.key -out tls.crt 2>/dev/null)
  chmod 0600 tls.key
  chmod 0644 tls.crt
  made+=(tls.crt tls.key)
elif [[ ! -e tls.crt || ! -e tls.key ]]; then
  echo "make-secrets: tls.crt and tls.key go together; one of them is missing in $folder" >&2
  exit 1
fi

if ((${#made[@]})); then
  echo "secrets in $folder: made ${made[*]}"
else
  echo "secrets in $folder: all there, nothing made"
fi
