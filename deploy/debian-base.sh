#!/usr/bin/env bash
# Build the base every image of deploy/ starts from, debian:bookworm-slim, on this machine,
# for a Docker host that cannot pull it (no registry, or an air-gapped site):
#
#   sudo deploy/debian-base.sh [TAG]        # default debian:bookworm-slim; about a minute
#
# debootstrap's minbase variant is what the official slim image is made of (the official
# one also drops documentation). Two additions, so that a build behind a TLS-inspecting
# proxy works as it does on the host: the host's local CA certificates
# (/usr/local/share/ca-certificates; the images' `apt-get install ca-certificates` adds them
# to the bundle), and PIP_CERT / REQUESTS_CA_BUNDLE naming that bundle. Needs root,
# debootstrap (Debian package) and a running Docker engine. DEBIAN_MIRROR overrides the
# mirror (default: the first one apt uses here, else http://deb.debian.org/debian).
set -euo pipefail
tag=${1:-debian:bookworm-slim}
[[ $(id -u) -eq 0 ]] || { echo "debian-base.sh: needs root (debootstrap)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debian-base.sh: install debootstrap" >&2; exit 1; }

mirror=${DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
  mirror=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | awk '{print $2}' | head -n1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi

rootfs=$(mktemp -d /tmp/debian-base.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "debian-base: debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1
}
rm -f "$rootfs.log"

# As in the official image: the three suites from deb.debian.org, no apt caches kept.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CLEAN'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CLEAN
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*

# The host's extra certificate authorities, trusted once ca-certificates is installed.
if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
  mkdir -p "$rootfs/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$rootfs/usr/local/share/ca-certificates/"
fi

bundle=/etc/ssl/certs/ca-certificates.crt
tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'CMD ["bash"]' \
  --change "ENV PIP_CERT=$bundle REQUESTS_CA_BUNDLE=$bundle" \
  - "$tag" >/dev/null
echo "debian-base: built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%d MB", $1/1e6}'))"
