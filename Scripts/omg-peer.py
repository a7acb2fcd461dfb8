#!/usr/bin/env python3
"""Peer check: `mustard get pods -A` and `mustard get events -A` against omg (o-must-gather) on an extracted dump.

usage: omg-peer.py MUSTARD OMG ARCHIVE EXTRACTED_ROOT

Runs mustard on the archive as the user has it, omg on the extracted tree (`omg use`), and compares the rows —
pods by namespace, name, status and restarts; events by namespace, type, reason, object and message. Where they
differ, the difference must be one of the exceptions below, each checked against the gathered YAML (read with
PyYAML), so mustard's value is shown right, not merely tolerated:

- RESTARTS: omg prints the largest restart count of the pod's containers; kubectl (and mustard) print their sum
  (kubectl's printPod adds `restartCount` over the containers). Accepted when mustard's value is the sum.
- STATUS: omg prints the pod's phase; kubectl (and mustard) print the reason of a container that terminated or
  waits (`Completed` for a finished pod whose phase is `Succeeded`, `CrashLoopBackOff` for a `Running` one).
  Accepted when omg's value is the phase and mustard's is a container state's reason in the YAML.
- OBJECT of an event whose involvedObject lacks a kind or a name: omg prints `<none>`, kubectl (and mustard)
  print `kind/name` with the missing part empty.
- MESSAGE: omg prints a multi-line message on several lines; mustard keeps one row per event (the newline shown
  as `\\u{0A}`) and trims surrounding whitespace as kubectl does: compared on the first line, trimmed.
- MESSAGE with something that reads as a credential (`token: …`, `credentials" : …`): mustard passes every text
  from the dump through its secret scrubber, omg prints it. Accepted when omg's message matches mustard's with
  each `<redacted>` standing for the text it replaced.

Prints one line per difference it cannot explain and `N passed, N failed` at the end; exits 1 on any.
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys

import yaml


def columns(text, names):
    """Rows of a table printed with columns aligned under `names` (the header line)."""
    lines = text.splitlines()
    if not lines:
        return []
    header = lines[0]
    # Each name where it stands alone (NAME is also the start of NAMESPACE), left to right.
    starts, at = [], 0
    for n in names:
        match = re.compile(r"(?:^|(?<=\s))" + re.escape(n) + r"(?=\s|$)").search(header, at)
        starts.append(match.start())
        at = match.end()
    rows = []
    for line in lines[1:]:
        cells = [line[starts[i]:(starts[i + 1] if i + 1 < len(starts) else None)].strip() for i in range(len(starts))]
        rows.append(cells)
    return rows


def run(argv, env=None):
    result = subprocess.run(argv, capture_output=True, text=True, env=env)
    if result.returncode not in (0, 3):
        sys.exit(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def gathered_pods(root):
    """(namespace, name) -> pod, from every core/pods.yaml of the extracted tree."""
    pods = {}
    for path in glob.glob(os.path.join(root, "**", "core", "pods.yaml"), recursive=True):
        with open(path, encoding="utf-8", errors="replace") as f:
            doc = yaml.safe_load(f) or {}
        for pod in doc.get("items") or []:
            meta = pod.get("metadata", {})
            pods.setdefault((meta.get("namespace"), meta.get("name")), pod)
    return pods


def container_reasons(pod):
    status = pod.get("status", {})
    reasons = set()
    for c in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        for state in ("waiting", "terminated"):
            reason = ((c.get("state") or {}).get(state) or {}).get("reason")
            if reason:
                reasons.add(reason)
                reasons.add("Init:" + reason)
    return reasons


def main():
    mustard, omg, archive, root = sys.argv[1:5]
    env = dict(os.environ, NO_COLOR="1")
    passed, failed = 0, 0

    def fail(message):
        nonlocal failed
        failed += 1
        print("DIFF " + message)

    subprocess.run([omg, "use", root], capture_output=True, check=True, env=env)
    pods = gathered_pods(root)

    # Pods.
    names = ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    ours = {(r[0], r[1]): r for r in columns(run([mustard, "get", archive, "pods", "-A", "--no-cache"], env), names)}
    theirs = {(r[0], r[1]): r for r in columns(run([omg, "get", "pods", "-A"], env), names) if r[0]}
    for key in sorted(set(ours) | set(theirs)):
        if key not in ours or key not in theirs:
            fail(f"pod {key}: only in {'mustard' if key in ours else 'omg'}")
            continue
        m, o, pod = ours[key], theirs[key], pods.get(key, {})
        statuses = pod.get("status", {}).get("containerStatuses") or []
        counts = [c.get("restartCount", 0) for c in statuses]
        ok = True
        if m[3] != o[3] and not (o[3] == pod.get("status", {}).get("phase") and m[3] in container_reasons(pod)):
            fail(f"pod {key}: status mustard {m[3]!r}, omg {o[3]!r}")
            ok = False
        if m[4] != o[4] and not (counts and int(m[4]) == sum(counts) and int(o[4]) == max(counts)):
            fail(f"pod {key}: restarts mustard {m[4]!r}, omg {o[4]!r} (containers: {counts})")
            ok = False
        passed += ok

    # Events, as multisets: names are not shown and rows repeat.
    names = ["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    def key(r, ours):
        message = r[5].split("\\u{0A}")[0].removesuffix("\\u{0D}").strip() if ours else r[5].strip()
        return (r[0], r[2], r[3], r[4], message)
    mine = collections.Counter(key(r, True) for r in columns(run([mustard, "get", archive, "events", "-A", "--no-cache"], env), names))
    # omg's continuation lines of multi-line messages have no namespace.
    rows = columns(run([omg, "get", "events", "-A"], env), names)
    their = collections.Counter(key(r, False) for r in rows if r[0])
    only_ours, only_theirs = mine - their, their - mine
    # An involvedObject without kind or name: `<none>` (omg) against kubectl's `kind/name` with a part empty.
    for k, n in list(only_theirs.items()):
        if k[3] == "<none>":
            for candidate in list(only_ours):
                if candidate[:3] == k[:3] and candidate[4] == k[4] and (candidate[3].startswith("/") or candidate[3].endswith("/")):
                    take = min(n, only_ours[candidate])
                    only_ours[candidate] -= take
                    only_theirs[k] -= take
                    n -= take
    # Scrubbed texts: `<redacted>` in mustard's message stands for what omg shows there.
    for k, n in list((+only_ours).items()):
        if "<redacted>" not in k[4]:
            continue
        pattern = re.compile("^" + ".+?".join(re.escape(part) for part in k[4].split("<redacted>")) + "$")
        for candidate, m in list((+only_theirs).items()):
            if candidate[:4] == k[:4] and pattern.match(candidate[4]):
                take = min(n, m)
                only_ours[k] -= take
                only_theirs[candidate] -= take
                n -= take
                if n == 0:
                    break
    for k, n in (+only_ours).items():
        fail(f"event {k}: {n} more in mustard")
    for k, n in (+only_theirs).items():
        fail(f"event {k}: {n} more in omg")
    passed += sum(mine.values()) - sum((+only_ours).values())

    print(f"omg peer check on {os.path.basename(archive)}: {len(ours)} pods, {sum(mine.values())} events")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
