#!/usr/bin/env bash
# Peer check of `mustard get pods -A` and `mustard get events -A` against omg (o-must-gather, from PyPI) on the real
# public dumps in Tests/RealData: omg in a fresh venv, each dump extracted into a temporary folder for omg (mustard
# reads the archive as it is). Scripts/omg-peer.py compares the rows and documents where the two differ and why.
# Everything (venv, extracted trees, omg's ~/.omgconfig) lives in one temporary folder, removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mustard=${MUSTARD:-$root/.build/debug/mustard}
mustard=$(cd "$(dirname "$mustard")" && pwd)/$(basename "$mustard")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check o-must-gather pyyaml
export HOME="$work/home" XDG_CACHE_HOME="$work/cache"
mkdir -p "$HOME"

status=0
for dump in "$root"/Tests/RealData/openshift__must-gather-clean/test/files/must-gather-*.tar.xz; do
  name=$(basename "$dump" .tar.xz)
  mkdir -p "$work/trees"
  tar -xJf "$dump" -C "$work/trees"
  "$work/venv/bin/python3" "$root/Scripts/omg-peer.py" "$mustard" "$work/venv/bin/omg" "$dump" "$work/trees/$name" || status=1
done
exit $status
