#!/usr/bin/env bash
# The container image as a user builds and runs it: deploy/Containerfile built with podman over `make dist`'s
# tarball on a Debian bookworm base, then run as deploy/README.md documents: --version, the bundled sample analysed
# through a read-only /data mount (exit 1, the stage image finding) and the healthy sample as the control (exit 0,
# no such finding), a report written into a mounted output folder, and the sample analysed under the restrictions
# the Kubernetes manifests set (read-only root, no capabilities, no new privileges, non-root user); once mustard
# has `analyze --shard`, the manifests' own per-pod scripts in the image under those restrictions.
#
# The base image: BASE if set; else docker.io/library/debian:bookworm-slim when it is present or can be pulled; else
# one built from Debian's mirror by Scripts/make-debian-base.sh (debootstrap; needs root). When podman is missing,
# cannot run a container here, or no base image can be had, prints "container: skipped: <why>" and exits 0.
# DIST_TARBALL=… uses that tarball instead of running `make dist`; KEEP_IMAGE=1 keeps localhost/mustard:test.
# Prints "container: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
skip() { echo "container: skipped: $*"; exit 0; }
passed=0 failed=0
log=$(mktemp)
scratch=$(mktemp -d)
image=localhost/mustard:test
built=""
cleanup() { rm -rf "$scratch" "$log"; [ -z "$built" ] || [ -n "${KEEP_IMAGE:-}" ] || podman rmi -f "$image" >/dev/null 2>&1; }
trap cleanup EXIT
# has_finding REPORT.json RULE: the JSON report holds a finding of that rule (not merely an outcome naming it: a
# report lists passed rules too).
has_finding() {
  python3 -c 'import json, sys; sys.exit(0 if any(f.get("rule") == sys.argv[2] for f in json.load(open(sys.argv[1]))["findings"]) else 1)' "$1" "$2"
}
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >"$log" 2>&1; then passed=$((passed + 1)); echo "  ok   $name"
  else failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$log" | head -20; fi
}

command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"

# The base image.
base=${BASE:-}
if [ -z "$base" ]; then
  if podman image exists docker.io/library/debian:bookworm-slim; then base=docker.io/library/debian:bookworm-slim
  elif timeout 120 podman pull -q docker.io/library/debian:bookworm-slim >"$log" 2>&1; then base=docker.io/library/debian:bookworm-slim
  else
    echo "  note: cannot pull docker.io/library/debian:bookworm-slim ($(tail -1 "$log" | cut -c1-160))"
    if podman image exists localhost/debian:bookworm-slim; then base=localhost/debian:bookworm-slim
    elif [ "$(id -u)" = 0 ] && command -v debootstrap >/dev/null; then
      echo "  note: building localhost/debian:bookworm-slim from Debian's mirror (Scripts/make-debian-base.sh)"
      Scripts/make-debian-base.sh localhost/debian:bookworm-slim >"$log" 2>&1 ||
        skip "no base image: the registry is unreachable and debootstrap failed: $(tail -3 "$log" | tr '\n' ' ')"
      base=localhost/debian:bookworm-slim
    else
      skip "no base image: the registry is unreachable, and building one needs root and debootstrap (apt-get install debootstrap)"
    fi
  fi
fi
podman image exists "$base" || skip "base image $base is not present"
echo "  base image: $base"

# How podman can run containers here. Some sandboxes deny raising resource limits (no CAP_SYS_RESOURCE: podman's
# defaults for a rootful container, nofile 1048576 and nproc unlimited, are refused) or mix cgroup v1 and v2, which
# crun refuses and runc accepts. The first of these settings that runs `true` in the base image is used.
limits="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
runtime="" ulimits="" chosen=""
for setting in "||" "|$limits|" "--runtime runc|$limits|"; do
  IFS='|' read -r rt ul _ <<<"$setting"
  if [[ $rt == *runc* ]] && ! command -v runc >/dev/null; then continue; fi
  # shellcheck disable=SC2086
  if podman $rt run --rm $ul "$base" true >"$log" 2>&1; then runtime=$rt ulimits=$ul chosen=yes; break; fi
  echo "  note: podman ${rt:+$rt }run ${ul:+$ul }cannot run a container here: $(tail -1 "$log" | cut -c1-200)"
done
[ -n "$chosen" ] || skip "podman cannot run a container here (last error: $(tail -1 "$log" | cut -c1-200))"
[ -z "$runtime$ulimits" ] || echo "  podman settings used: ${runtime:-(default runtime)} ${ulimits}"
# shellcheck disable=SC2086
pod() { podman $runtime "$@"; }
# shellcheck disable=SC2086
run() { pod run --rm $ulimits "$@"; }

tarball=${DIST_TARBALL:-}
if [ -z "$tarball" ]; then
  make --no-print-directory dist >"$log" 2>&1 || { cat "$log"; echo "container: 0 passed, 1 failed (make dist)"; exit 1; }
  for tarball in dist/mustard-*-linux-x86_64.tar.gz; do break; done
fi
version=$(basename "$tarball" | sed -n 's/^mustard-\(.*\)-linux-x86_64\.tar\.gz$/\1/p')

# --layers=false: no intermediate images left behind once the image is removed.
# shellcheck disable=SC2086
build() { pod build --layers=false $ulimits -f deploy/Containerfile --build-arg BASE="$base" --build-arg DIST_TARBALL="$tarball" -t "$image" .; }
built=yes
check "podman build -f deploy/Containerfile (BASE=$base)" build
podman image exists "$image" || { echo "container: $passed passed, $((failed + 1)) failed (no image)"; exit 1; }

version_ok() { local printed; printed=$(run "$image" --version); echo "printed: $printed"; [ "$printed" = "$version" ]; }
check "mustard --version prints $version" version_ok
no_toolchain() { run --entrypoint sh "$image" -c '! command -v swift && ! command -v swiftc && [ ! -e /usr/lib/swift ] && ! ldd /usr/local/bin/mustard | grep -E "not found|libswift|libFoundation"'; }
check "no Swift toolchain in the image; every library mustard links resolves" no_toolchain
non_root() { [ "$(run --entrypoint id "$image" -u)" = 10001 ]; }
check "runs as the non-root user 10001" non_root

# The documented command: the folder mounted read-only at /data.
analyze_sample() {
  run -v "$PWD:/data:ro,Z" "$image" analyze /data/Samples/stage-image-stuck.tar.gz -f json >"$scratch/stuck.json"
  local code=$?; echo "exit code $code"
  [ "$code" -eq 1 ] && has_finding "$scratch/stuck.json" mtc/stage-pod-image-misconfigured
}
check "analyze /data/Samples/stage-image-stuck.tar.gz -f json: exit 1, mtc/stage-pod-image-misconfigured" analyze_sample
# The control: the same check on the healthy sample must come out the other way.
control() {
  run -v "$PWD:/data:ro,Z" "$image" analyze /data/Samples/healthy-migration.tar.gz -f json >"$scratch/healthy.json"
  local code=$?; echo "exit code $code"
  [ "$code" -eq 0 ] && [ -s "$scratch/healthy.json" ] && ! has_finding "$scratch/healthy.json" mtc/stage-pod-image-misconfigured
}
check "the control: the healthy sample exits 0 without that finding" control

# A report into a mounted output folder, writable by the container's user: with rootless podman the user's own
# uid (--userns=keep-id, as deploy/README.md says); rootful, a folder owned by uid 10001.
mkdir -p "$scratch/out"
if [ "$(podman info --format '{{.Host.Security.Rootless}}' 2>/dev/null)" = true ]; then as=(--userns=keep-id)
else chown 10001:10001 "$scratch/out"; as=(); fi
write_report() {
  run "${as[@]}" -v "$PWD/Samples:/data:ro,Z" -v "$scratch/out:/out:Z" "$image" \
    analyze /data/stage-image-stuck.tar.gz -f markdown -o /out/stage-image-stuck.md
  # shellcheck disable=SC2016 # the backquotes are Markdown's
  [ $? -eq 1 ] && grep -qF '(`mtc/stage-pod-image-misconfigured#source-cluster`)' "$scratch/out/stage-image-stuck.md"
}
check "analyze … -o /out/report.md writes the report into a mounted folder" write_report

# As the Kubernetes manifests run it: read-only root filesystem, all capabilities dropped, no new privileges,
# a non-root user required, /tmp an empty writable folder.
restricted() {
  run --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --user 10001:10001 \
    -v "$PWD/Samples:/dumps:ro,Z" "$image" analyze /dumps/stage-image-stuck.tar.gz -f json >"$scratch/restricted.json"
  [ $? -eq 1 ] && has_finding "$scratch/restricted.json" mtc/stage-pod-image-misconfigured
}
check "the same analysis under the manifests' restrictions (read-only root, no capabilities)" restricted

# The Jobs' own per-pod scripts (deploy/kubernetes) in the image, with the pods' restrictions and volumes: shard 0
# of 1 over a folder of the two samples, then the summary step. Only once this mustard has `analyze --shard`.
python=""
for candidate in .build/deploy-venv/bin/python /usr/bin/python3 python3; do
  if "$candidate" -c 'import yaml' 2>/dev/null; then python=$candidate; break; fi
done
if ! run "$image" analyze --help 2>&1 | grep -q -- '--shard'; then
  echo "  note: the Jobs' scripts not run in the image: its mustard has no 'analyze --shard' yet"
elif [ -z "$python" ]; then
  echo "  note: the Jobs' scripts not run in the image: no Python with PyYAML to read the manifests"
else
  for job in analyze summarize; do
    "$python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]["args"][0])' \
      "deploy/kubernetes/$job-job.yaml" >"$scratch/$job.sh"
  done
  mkdir -p "$scratch/dumps" "$scratch/reports"
  cp Samples/stage-image-stuck.tar.gz Samples/healthy-migration.tar.gz "$scratch/dumps/"
  if [ "$(podman info --format '{{.Host.Security.Rootless}}' 2>/dev/null)" != true ]; then chown 10001:10001 "$scratch/reports"; fi
  pod_script() { # pod_script JOB: that Job's script as its pod runs it
    run --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --user 10001:10001 \
      -v "$scratch/dumps:/dumps:ro,Z" -v "$scratch/reports:/reports:Z" -e JOB_COMPLETION_INDEX=0 -e SHARDS=1 \
      -e DUMPS=/dumps -e REPORTS=/reports -e RUN=mustard-analyze -e JOB_UID=container-test \
      --entrypoint /bin/sh "$image" -c "$(cat "$scratch/$1.sh")"
  }
  shard_in_image() {
    pod_script analyze || return 1
    ls -l "$scratch/reports/mustard-analyze"
    [ "$(find "$scratch/reports/mustard-analyze" -name '*.json' | wc -l)" -eq 2 ] && [ -f "$scratch/reports/mustard-analyze.shards/0-of-1" ]
  }
  check "the analyze Job's script in the image: shard 0/1 writes both reports and its marker, exit 0" shard_in_image
  summary_in_image() {
    pod_script summarize || return 1
    grep -q stage-image-stuck "$scratch/reports/mustard-analyze-summary.md" && grep -q healthy-migration "$scratch/reports/mustard-analyze-summary.md"
  }
  check "the summary Job's script in the image: both dumps in the summary, exit 0" summary_in_image
fi

echo "container: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
