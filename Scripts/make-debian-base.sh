#!/usr/bin/env bash
# Builds a Debian bookworm base image from Debian's own package mirror, for machines that reach a Debian mirror but
# no container registry: `debootstrap --variant=minbase` into a scratch folder, the bookworm-updates and security
# suites added to its sources, apt's caches emptied, then imported into podman as an image.
#
#   Scripts/make-debian-base.sh [IMAGE]        # default localhost/debian:bookworm-slim
#   podman build -f deploy/Containerfile --build-arg BASE=localhost/debian:bookworm-slim -t mustard .
#
# Needs root (debootstrap), debootstrap and podman. MIRROR overrides the mirror (default http://deb.debian.org/debian).
# Exits 0 when the image exists afterwards (also when it existed before: REBUILD=1 makes it again).
set -euo pipefail
image=${1:-localhost/debian:bookworm-slim}
mirror=${MIRROR:-http://deb.debian.org/debian}
if [ -z "${REBUILD:-}" ] && podman image exists "$image"; then echo "$image exists"; exit 0; fi
for tool in debootstrap podman; do command -v "$tool" >/dev/null || { echo "make-debian-base: $tool is not installed" >&2; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "make-debian-base: debootstrap needs root" >&2; exit 1; }
rootfs=$(mktemp -d)
: "${rootfs:?}"
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap --variant=minbase bookworm from $mirror (about a minute and a half)..."
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
security=${mirror%/debian}/debian-security
[ "$security" != "$mirror/debian-security" ] || security=http://deb.debian.org/debian-security
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
# What the official slim images leave out: documentation, manual pages and translations (dpkg is told to skip them
# in later installs too, as in the official images), downloaded packages and package lists (apt-get update fetches
# them again).
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
DPKG
find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/groff/* "$rootfs"/usr/share/lintian/*
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
       "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/tmp/*
mkdir -p "$rootfs/var/lib/apt/lists/partial"
tar --numeric-owner --xattrs -C "$rootfs" -c . | podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["bash"]' \
  --message "debootstrap --variant=minbase bookworm $mirror" - "$image" >/dev/null
podman image exists "$image"
echo "$image: $(podman image inspect --format '{{.Size}}' "$image") bytes"
