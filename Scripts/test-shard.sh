#!/usr/bin/env bash
# The Kubernetes fan-out on this machine: the very per-pod scripts of deploy/kubernetes/analyze-job.yaml and
# summarize-job.yaml (read from the manifests, run with sh as the pods run them) with a built mustard, for every
# index of N = 3 over a folder of copies of Samples/*.tar.gz under several names. Checks that every pod succeeds
# (mustard's exit 1 for findings mapped to 0), that every dump got exactly one report across the shards, each in
# the shard its sorted position modulo N names, with names that do not collide in the shared folder; that the summary
# script lists every dump, writes the Markdown table and passes the exit code on as the manifest says; that it
# refuses a run with a shard missing or a stale marker; and that a shard with no dump writes nothing and succeeds.
#
# MUSTARD=path (default .build/debug/mustard). Skips, saying why, when that binary has no `analyze --shard` or
# no `summarize`. Prints "shard: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
MUSTARD=${MUSTARD:-.build/debug/mustard}
skip() { echo "shard: skipped: $*"; exit 0; }
[ -x "$MUSTARD" ] || skip "no mustard binary at $MUSTARD (swift build, or MUSTARD=path)"
"$MUSTARD" analyze --help 2>&1 | grep -q -- '--shard' || skip "$MUSTARD has no 'analyze --shard' yet"
"$MUSTARD" --help 2>&1 | grep -qw 'summarize' || skip "$MUSTARD has no 'summarize' yet"
python=""
for candidate in .build/deploy-venv/bin/python /usr/bin/python3 python3; do
  if "$candidate" -c 'import yaml' 2>/dev/null; then python=$candidate; break; fi
done
[ -n "$python" ] || skip "no Python with PyYAML to read the manifests (apt-get install python3-yaml, or run Scripts/validate-deploy.sh)"

passed=0 failed=0
scratch=$(mktemp -d)
log=$scratch/check.log
trap 'rm -rf "$scratch"' EXIT
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >"$log" 2>&1; then passed=$((passed + 1)); echo "  ok   $name"
  else failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$log" | head -20; fi
}

# The pods' scripts, as the manifests hold them.
"$python" - "$scratch" <<'EOF' || { echo "shard: 0 passed, 1 failed (cannot read the manifests)"; exit 1; }
import sys, yaml
out = sys.argv[1]
for manifest, container, name in (("analyze-job.yaml", "analyze", "analyze.sh"), ("summarize-job.yaml", "summarize", "summarize.sh")):
    job = yaml.safe_load(open(f"deploy/kubernetes/{manifest}"))
    c = next(c for c in job["spec"]["template"]["spec"]["containers"] if c["name"] == container)
    assert c["command"] == ["/bin/sh", "-c"] and len(c["args"]) == 1, manifest
    open(f"{out}/{name}", "w").write(c["args"][0])
EOF

# `mustard` on the PATH, as in the image.
mkdir -p "$scratch/bin" "$scratch/tmp" "$scratch/dumps"
ln -s "$(readlink -f "$MUSTARD")" "$scratch/bin/mustard"
# The queue: the samples, and copies under other names (one with spaces), sorted as mustard sorts them.
cp Samples/stage-image-stuck.tar.gz Samples/healthy-migration.tar.gz "$scratch/dumps/"
cp Samples/stage-image-stuck.tar.gz "$scratch/dumps/case-00001.tar.gz"
cp Samples/healthy-migration.tar.gz "$scratch/dumps/case 00002 (copy).tar.gz"
cp Samples/stage-image-stuck.tar.gz "$scratch/dumps/zz-stuck-again.tar.gz"
n=3
run_pod() { # run_pod SCRIPT INDEX SHARDS REPORTS: the pod's script with the pod's environment
  env -i PATH="$scratch/bin:/usr/bin:/bin" HOME="$scratch/tmp" TMPDIR="$scratch/tmp" JOB_COMPLETION_INDEX="$2" \
    SHARDS="$3" DUMPS="$scratch/dumps" REPORTS="$4" RUN=mustard-analyze JOB_UID=local-run-uid sh -c "$(cat "$1")"
}

# Each shard into its own folder first, so that a dump analysed twice shows (in one shared folder, as on the
# cluster, the second report would overwrite the first).
for i in $(seq 0 $((n - 1))); do
  pod() { run_pod "$scratch/analyze.sh" "$i" "$n" "$scratch/shard-$i" >"$scratch/pod-$i.log" 2>&1; }
  check "pod $i of $n runs the manifest's script and succeeds" pod
done
mapped() { grep -h 'mustard exited' "$scratch"/pod-*.log; grep -q 'mustard exited 1$' "$scratch"/pod-*.log; }
check "a shard whose dump has findings: mustard exited 1, the pod 0" mapped

# Which dump each report is about, from the report itself.
"$python" - "$scratch" "$n" >"$scratch/partition.log" 2>&1 <<'EOF'
import glob, json, os, sys
scratch, n = sys.argv[1], int(sys.argv[2])
dumps = sorted(os.listdir(f"{scratch}/dumps"))
reports, problems = {}, []
for i in range(n):
    for path in sorted(glob.glob(f"{scratch}/shard-{i}/mustard-analyze/*")):
        name = os.path.basename(path)
        try:
            dump = os.path.basename(json.load(open(path))["input"]["path"])
        except Exception as e:
            problems.append(f"shard {i}: {name} is not a JSON report ({e})")
            continue
        reports.setdefault(dump, []).append((i, name))
for dump in dumps:
    got = reports.get(dump, [])
    if len(got) != 1:
        problems.append(f"{dump}: {len(got)} reports {got}")
    elif got[0][0] != dumps.index(dump) % n:
        problems.append(f"{dump}: position {dumps.index(dump)} in the sorted list, but analysed by shard {got[0][0]}")
for dump in set(reports) - set(dumps):
    problems.append(f"a report about {dump}, which is not in the queue")
names = [name for got in reports.values() for _, name in got]
if len(names) != len(set(n.lower() for n in names)):
    problems.append(f"report names collide in the shared folder: {sorted(names)}")
for dump in dumps:
    print(dump, "->", reports.get(dump))
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
partition=$?
check "every dump got exactly one report, from shard (sorted position mod $n), names unique" bash -c "cat '$scratch/partition.log'; exit $partition"

# The shared folder, as on the cluster: every shard's reports and markers in one place.
mkdir -p "$scratch/reports/mustard-analyze" "$scratch/reports/mustard-analyze.shards"
for i in $(seq 0 $((n - 1))); do
  cp "$scratch/shard-$i/mustard-analyze/"* "$scratch/reports/mustard-analyze/" 2>/dev/null
  cp "$scratch/shard-$i/mustard-analyze.shards/"* "$scratch/reports/mustard-analyze.shards/" 2>/dev/null
done
check "each shard left its marker ($n)" bash -c "ls '$scratch/reports/mustard-analyze.shards'; [ \$(ls '$scratch/reports/mustard-analyze.shards' | wc -l) -eq $n ]"
summary() {
  run_pod "$scratch/summarize.sh" 0 "$n" "$scratch/reports" >"$scratch/summary.log" 2>&1
  local code=$?; cat "$scratch/summary.log"; echo "exit code $code"
  [ "$code" -eq 0 ] || return 1
  local missing="" dump name
  for dump in "$scratch"/dumps/*; do
    name=$(basename "$dump" .tar.gz)
    grep -qF "$name" "$scratch/summary.log" || missing="$missing [$name in the log]"
    grep -qF "$name" "$scratch/reports/mustard-analyze-summary.md" || missing="$missing [$name in the Markdown]"
  done
  [ -z "$missing" ] || { echo "missing:$missing"; return 1; }
}
check "the summary Job's script lists every dump (log and Markdown) and succeeds" summary
worst() { "$MUSTARD" summarize "$scratch/reports/mustard-analyze"; [ $? -eq 1 ]; }
check "mustard summarize exits 1, the worst of the reports (the stuck sample's findings)" worst
healthy_only() { # the control: the healthy dumps' reports alone summarise to 0
  local files=()
  for f in "$scratch"/reports/mustard-analyze/*; do
    "$python" -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if not d["findings"] else 1)' "$f" && files+=("$f")
  done
  echo "${#files[@]} report(s) without findings"
  [ "${#files[@]}" -eq 2 ] && "$MUSTARD" summarize "${files[@]}"
}
check "the control: the healthy reports alone summarise with exit 0" healthy_only

# The summary refuses an incomplete run.
incomplete() {
  rm -rf "$scratch/incomplete"; cp -r "$scratch/reports" "$scratch/incomplete"; rm -f "$scratch/incomplete/mustard-analyze-summary.md"
  rm "$scratch/incomplete/mustard-analyze.shards/1-of-$n"
  ! run_pod "$scratch/summarize.sh" 0 "$n" "$scratch/incomplete" && [ ! -e "$scratch/incomplete/mustard-analyze-summary.md" ]
}
check "the summary refuses a run with a shard missing" incomplete
stale() {
  rm -rf "$scratch/stale"; cp -r "$scratch/reports" "$scratch/stale"; rm -f "$scratch/stale/mustard-analyze-summary.md"
  echo an-earlier-run-uid >"$scratch/stale/mustard-analyze.shards/2-of-$n"
  ! run_pod "$scratch/summarize.sh" 0 "$n" "$scratch/stale" && [ ! -e "$scratch/stale/mustard-analyze-summary.md" ]
}
check "the summary refuses a marker of an earlier run" stale

# More shards than dumps: the last gets none, writes nothing and succeeds.
empty_shard() {
  run_pod "$scratch/analyze.sh" 6 7 "$scratch/empty" || return 1
  ls -A "$scratch/empty/mustard-analyze"
  [ -z "$(ls -A "$scratch/empty/mustard-analyze")" ] && [ -f "$scratch/empty/mustard-analyze.shards/6-of-7" ]
}
check "shard 6 of 7 over 5 dumps writes nothing, leaves its marker and succeeds" empty_shard

echo "shard: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
