#!/usr/bin/env bash
# `mustard mcp` end to end with the reference MCP client (PyPI's `mcp`, in a venv under .build/): every tool
# called on the samples and a real dump, answers compared with the CLI's JSON reports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mustard=${MUSTARD:-$root/.build/debug/mustard}
venv=$root/.build/mcp-venv
if ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'mcp>=1.0'
fi
cd "$root"
# The explore tools keep their index in a scratch cache, as the CLI the answers are compared with.
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
"$venv/bin/python" Scripts/mcp-client-check.py "$mustard" \
    Samples/stage-image-stuck.tar.gz Samples/healthy-migration.tar.gz \
    Tests/RealData/openshift__must-gather-clean/test/files/must-gather-aws.tar.xz \
    Tests/Fixtures/mtc-1.7-failed-pvc-not-bound
