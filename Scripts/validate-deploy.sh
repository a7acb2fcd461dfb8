#!/usr/bin/env bash
# The Kubernetes manifests under deploy/kubernetes checked offline: every one against Kubernetes' own schemas
# (kubernetes-validate --strict, which rejects unknown fields) for the oldest Kubernetes the manifests support and
# the newest the package ships, then Scripts/check-deploy-manifests.py for what the schemas cannot see (the same N
# in completions and SHARDS, the summary reading the analyze Job's reports, the exit code mapping, the security
# settings). Negative controls prove both live: broken copies of the manifests (an unknown field, a wrong type, an
# unknown completionMode, N out of step) must fail.
#
# kubernetes-validate comes from PyPI into a virtual environment under .build/ (made on first use).
# KUBE_VERSIONS overrides the versions (default "1.29.0 1.37.0"). Prints "deploy: N passed, M failed"; exits
# non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBE_VERSIONS=${KUBE_VERSIONS:-1.29.0 1.37.0}
venv=.build/deploy-venv
passed=0 failed=0
log=$(mktemp)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$log"' EXIT
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >"$log" 2>&1; then passed=$((passed + 1)); echo "  ok   $name"
  else failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$log" | head -20; fi
}
fails_with() { # fails_with TEXT COMMAND...: a negative control: the command fails, saying TEXT
  local text=$1 out; shift
  if out=$("$@" 2>&1); then echo "it passed: $out"; return 1; fi
  echo "$out"
  grep -qF -- "$text" <<<"$out" || { echo "(it failed, but not saying: $text)"; return 1; }
}

if ! "$venv/bin/kubernetes-validate" --version 2>/dev/null | grep -qx "$KUBERNETES_VALIDATE_VERSION"; then
  echo "  setting up $venv: kubernetes-validate==$KUBERNETES_VALIDATE_VERSION from PyPI"
  { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"; } >"$log" 2>&1 \
    || { cat "$log"; echo "deploy: 0 passed, 1 failed (cannot install kubernetes-validate)"; exit 1; }
fi
validate() { "$venv/bin/kubernetes-validate" --strict --quiet "$@"; }
python=$venv/bin/python

manifests=(deploy/kubernetes/*.yaml)
for version in $KUBE_VERSIONS; do
  for manifest in "${manifests[@]}"; do
    check "$manifest is valid for Kubernetes $version (strict)" validate -k "$version" "$manifest"
  done
done
check "the manifests agree with each other (check-deploy-manifests.py)" "$python" Scripts/check-deploy-manifests.py deploy/kubernetes

# Negative controls: a copy of the folder with one thing broken.
broken() { # broken NAME PYTHON-EXPRESSION-ON-s: a fresh copy of deploy/kubernetes with analyze-job.yaml's text s edited
  rm -rf "${scratch:?}/$1"; cp -r deploy/kubernetes "$scratch/$1"
  "$python" -c 'import sys; p = sys.argv[1]; s = open(p).read(); t = eval(sys.argv[2]); assert t != s, "the edit changed nothing"; open(p, "w").write(t)' \
    "$scratch/$1/analyze-job.yaml" "$2"
  echo "$scratch/$1"
}
latest=${KUBE_VERSIONS##* }
dir=$(broken unknown-field 's.replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", 1)')
check "the control: an unknown field (readOnlyRootFileSystem) fails the schema" fails_with "'readOnlyRootFileSystem' was unexpected" validate -k "$latest" "$dir/analyze-job.yaml"
dir=$(broken wrong-type 's.replace("completions: 4 ", "completions: four ", 1)')
check "the control: completions: four fails the schema" fails_with "'four' is not of type" validate -k "$latest" "$dir/analyze-job.yaml"
dir=$(broken sideways 's.replace("completionMode: Indexed", "completionMode: Sideways", 1)')
# Kubernetes' published schemas carry no enums: completionMode: Sideways passes them (the API server would refuse
# it), so it is the manifest check that must catch it.
check "the control: completionMode: Sideways fails the manifest check" fails_with "completionMode is 'Sideways'" "$python" Scripts/check-deploy-manifests.py "$dir"
dir=$(broken shards 's.replace("value: \"4\"", "value: \"3\"", 1)')
check "the control: SHARDS out of step with completions fails the manifest check" fails_with "env SHARDS '3' differs from completions 4" "$python" Scripts/check-deploy-manifests.py "$dir"
dir=$(broken exit-codes 's.replace("0|1|3)", "0)", 1)')
check "the control: a wrapper that fails the pod on exit 1 fails the manifest check" fails_with "lacks '0|1|3)'" "$python" Scripts/check-deploy-manifests.py "$dir"

echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
