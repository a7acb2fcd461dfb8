#!/usr/bin/env bash
# The release as a user gets it: `make dist`'s tarball checked against its SHA-256 sum, unpacked into a scratch
# prefix and run where no Swift toolchain can be found (off the PATH, and hidden from the loader in a private mount
# namespace when the machine allows one); the man page and the bash, zsh and fish completions it installs load;
# `make install PREFIX=…` installs the same files. Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >/tmp/mustard-dist-check.log 2>&1; then passed=$((passed + 1)); echo "  ok   $name"
  else failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' /tmp/mustard-dist-check.log | head -20; fi
}

make --no-print-directory dist >/tmp/mustard-dist.log 2>&1 || { cat /tmp/mustard-dist.log; echo "0 passed, 1 failed"; exit 1; }
tarball=$(ls dist/mustard-*.tar.gz | head -1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
mkdir -p "$prefix"

check "the tarball matches its SHA-256 sum" bash -c "cd dist && sha256sum -c $(basename "$tarball").sha256"
check "it unpacks into a prefix" tar -xzf "$tarball" --strip-components=1 -C "$prefix"
check "the binary links no Swift library" bash -c "! ldd '$prefix/bin/mustard' | grep -E 'libswift|libFoundation|/opt/swift|\.swiftpm'"

# The toolchain's folder (…/usr above bin/swift), to hide from the binary.
toolchain=""
if command -v swift >/dev/null; then toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")"); fi
run_without_toolchain() { # runs "$@" with a PATH of system folders only and, where possible, the toolchain hidden
  if [ -n "$toolchain" ] && unshare -m true 2>/dev/null; then
    unshare -m bash -c 'mount -t tmpfs none "$0" && exec env -i PATH=/usr/bin:/bin HOME="$HOME" "${@}"' "$toolchain" "$@"
  else
    env -i PATH=/usr/bin:/bin HOME="$HOME" "$@"
  fi
}
if [ -n "$toolchain" ] && ! unshare -m true 2>/dev/null; then
  echo "  note: no private mount namespace here; the toolchain is only off the PATH (the ldd check above covers the loader)"
fi
if [ -n "$toolchain" ] && unshare -m true 2>/dev/null && [ -x .build/debug/mustard ]; then
  # The negative control: the debug build links the toolchain's libraries, so hiding them must break it.
  control() { ! run_without_toolchain .build/debug/mustard --version; }
  check "the control: the debug build cannot run there" control
fi
check "--version runs without the toolchain" run_without_toolchain "$prefix/bin/mustard" --version
analyze_sample() {
  run_without_toolchain "$prefix/bin/mustard" analyze Samples/stage-image-stuck.tar.gz -f json >"$scratch/report.json"
  [ $? -eq 1 ] && python3 -c 'import json, sys; sys.exit(0 if any(f.get("rule") == "mtc/stage-pod-image-misconfigured" for f in json.load(open(sys.argv[1]))["findings"]) else 1)' "$scratch/report.json"
}
check "it analyses the sample without the toolchain (exit 1, the stage image finding)" analyze_sample
check "the same report as the tested build" bash -c "'$prefix/bin/mustard' analyze Samples/stage-image-stuck.tar.gz -f markdown | cmp - <(.build/release/mustard analyze Samples/stage-image-stuck.tar.gz -f markdown)"

check "the man page is mdoc for mustard(1)" grep -q '^\.Dt MUSTARD 1' "$prefix/share/man/man1/mustard.1"
check "the man page renders and documents analyze" bash -c "MANWIDTH=100 man -l '$prefix/share/man/man1/mustard.1' 2>/dev/null | grep -q 'analyze'"
check "bash completion parses and registers" bash -c "source '$prefix/share/bash-completion/completions/mustard' && complete -p mustard"
check "zsh completion parses" zsh -n "$prefix/share/zsh/site-functions/_mustard"
check "fish completion parses" fish -n "$prefix/share/fish/vendor_completions.d/mustard.fish"
fish_completes() { fish -c "source '$prefix/share/fish/vendor_completions.d/mustard.fish'; complete -C 'mustard analyze --form'" | grep -q -- '--format'; }
check "fish completes --format" fish_completes

install_prefix() {
  make --no-print-directory install PREFIX="$scratch/installed" >/dev/null &&
    for f in bin/mustard share/man/man1/mustard.1 share/bash-completion/completions/mustard \
             share/zsh/site-functions/_mustard share/fish/vendor_completions.d/mustard.fish; do
      cmp "$scratch/installed/$f" "$prefix/$f" || return 1
    done
}
check "make install PREFIX=… installs the same files" install_prefix

echo "dist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
