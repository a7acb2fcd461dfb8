#!/usr/bin/env bash
# Builds the libFuzzer target over the whole ingestion path with AddressSanitizer and runs it for a bounded time.
#   Scripts/fuzz/run.sh [SECONDS] [TARGETS]   (SECONDS per target; TARGETS default "ingest yaml log";
#                                              make fuzz FUZZ_SECONDS=600; make test runs it briefly)
# A crash, leak or timeout stops it with a non-zero exit and leaves the input in .build-fuzz/artifacts/;
# replay one with: swift build --product FuzzIngest && MUSTARD_FUZZ=<target> .build/debug/FuzzIngest .build-fuzz/artifacts/<target>-crash-…
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/../.."
# One -sanitize list for Swift (separate -sanitize= flags do not combine: the last one wins and coverage is lost),
# fuzzer-no-link for the C targets.
swift build -c debug --product FuzzIngest -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address \
  -Xcc -fsanitize=fuzzer-no-link,address --scratch-path .build-fuzz 2>&1 | grep -vE 'Cannot export local symbol|^\[' || true
test -x .build-fuzz/debug/FuzzIngest
# Three harnesses over the same binary (MUSTARD_FUZZ): the whole ingestion path from archive bytes, the YAML reader
# alone (fast path against libyaml), and the log scanner alone (a controller log inside a minimal gather).
targets=${2:-ingest yaml log}
artifacts=.build-fuzz/artifacts
mkdir -p "$artifacts"
[ -d .build-fuzz/hostile ] || python3 Scripts/make-hostile-corpus.py .build-fuzz/hostile > /dev/null
for target in $targets; do
  seeds=.build-fuzz/seeds-$target corpus=.build-fuzz/corpus-$target
  mkdir -p "$seeds" "$corpus"
  case $target in
    ingest)
      cp Samples/*.tar.gz "$seeds/"
      find .build-fuzz/hostile -type f -size -100k -exec cp {} "$seeds/" \;
      for fixture in oc-error-in-yaml k8s-pods-failing mtc-1.7-stuck-recent mtc-1.3-stage-image-stuck; do
        [ -f "$seeds/$fixture.tar.gz" ] || Scripts/pack-dump.sh "Tests/Fixtures/$fixture" "$seeds/$fixture.tar.gz"
      done ;;
    yaml)
      # Small YAML and YML files of the samples and fixtures, named by their content's hash so copies collapse.
      find Samples Tests/Fixtures -type f \( -name '*.yaml' -o -name '*.yml' \) -size -20k -print0 |
        while IFS= read -r -d '' f; do cp "$f" "$seeds/$(sha1sum "$f" | cut -c1-16).yaml"; done ;;
    log)
      find Samples Tests/Fixtures -type f -name '*.log' -size -200k -print0 |
        while IFS= read -r -d '' f; do cp "$f" "$seeds/$(sha1sum "$f" | cut -c1-16).log"; done ;;
  esac
  echo "fuzzing $target for ${seconds}s with $(ls "$seeds" | wc -l) seeds"
  MUSTARD_FUZZ=$target LSAN_OPTIONS=suppressions=Scripts/fuzz/lsan.supp:print_suppressions=0 ASAN_OPTIONS=detect_leaks=1 \
    .build-fuzz/debug/FuzzIngest -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
    -artifact_prefix="$artifacts/$target-" -print_final_stats=1 "$corpus" "$seeds" 2>&1 \
    | grep -vE "^#[0-9]+|Cannot export local symbol|^INFO: |^\s*$|Recommended dictionary|# Uses:|NEW_FUNC"
done
