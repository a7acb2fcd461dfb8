#!/usr/bin/env python3
"""What Kubernetes' schemas cannot check in deploy/kubernetes: they type the fields but hold no enums and no
relation between fields or files. Checks that the analyze Jobs (analyze-job*.yaml) are Indexed Jobs whose N is the
same in spec.completions, their env SHARDS and the summary Job's SHARDS; that the summary Job reads the analyze
Job's reports (its RUN is that Job's name); that each pod runs the sharded command with the exit code mapping the
README explains; that both variants run the same per-pod script; and the security settings and limits every pod
must keep. Usage: check-deploy-manifests.py DIR. Prints one line per problem; exits 1 if there is any."""
import glob
import os
import sys

import yaml

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def load(directory):
    docs = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        with open(path) as f:
            docs[os.path.basename(path)] = [d for d in yaml.safe_load_all(f) if d]
    return docs


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def script_of(container):
    command, args = container.get("command", []), container.get("args", [])
    if command != ["/bin/sh", "-c"] or len(args) != 1:
        return None
    return args[0]


def check_pod_security(where, job):
    pod = job["spec"]["template"]["spec"]
    sc = pod.get("securityContext", {})
    if sc.get("runAsNonRoot") is not True:
        problem(where, "pod securityContext.runAsNonRoot is not true")
    if sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problem(where, "pod securityContext.seccompProfile.type is not RuntimeDefault")
    if pod.get("automountServiceAccountToken") is not False:
        problem(where, "automountServiceAccountToken is not false (the pods need no API access)")
    for c in pod.get("initContainers", []) + pod.get("containers", []):
        csc = c.get("securityContext", {})
        name = f"{where}: container {c['name']}"
        if csc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: allowPrivilegeEscalation is not false")
        if csc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{name}: readOnlyRootFilesystem is not true")
        if csc.get("privileged", False) is not False:
            problems.append(f"{name}: privileged")
        if csc.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"{name}: capabilities.drop is not [ALL]")
        if csc.get("capabilities", {}).get("add"):
            problems.append(f"{name}: adds capabilities")
        limits = c.get("resources", {}).get("limits", {})
        requests = c.get("resources", {}).get("requests", {})
        for key in ("cpu", "memory"):
            if key not in limits or key not in requests:
                problems.append(f"{name}: no {key} request and limit")
    if not isinstance(job["spec"].get("ttlSecondsAfterFinished"), int):
        problem(where, "no ttlSecondsAfterFinished")
    if pod.get("restartPolicy") != "Never":
        problem(where, "restartPolicy is not Never (podFailurePolicy requires it; the Job replaces failed pods)")


def check_analyze(where, job):
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if spec.get("completionMode") != "Indexed":
        problem(where, f"completionMode is {spec.get('completionMode')!r}, not 'Indexed': pods get no JOB_COMPLETION_INDEX")
    n = spec.get("completions")
    if not isinstance(n, int) or n < 1:
        problem(where, f"completions {n!r} is not a positive number")
        return None
    if not isinstance(spec.get("parallelism"), int) or not 1 <= spec["parallelism"] <= n:
        problem(where, f"parallelism {spec.get('parallelism')!r} is not between 1 and completions ({n})")
    containers = {c["name"]: c for c in pod["containers"]}
    analyze = containers.get("analyze")
    if analyze is None:
        problem(where, "no container named analyze")
        return None
    env = env_of(analyze)
    if env.get("SHARDS") != str(n):
        problem(where, f"env SHARDS {env.get('SHARDS')!r} differs from completions {n}: dumps would be skipped or a shard refused")
    script = script_of(analyze)
    if script is None:
        problem(where, "the analyze container does not run one /bin/sh -c script")
        return None
    for needle in ('mustard analyze --shard "$JOB_COMPLETION_INDEX/$SHARDS" "$DUMPS"', '--output-dir "$out"', "-f json",
                   "0|1|3)", 'exit "$code"'):
        if needle not in script:
            problem(where, f"the per-pod script lacks {needle!r}")
    mounts = {m["mountPath"]: m for m in analyze.get("volumeMounts", [])}
    if env.get("DUMPS") not in mounts or not mounts[env.get("DUMPS")].get("readOnly"):
        problem(where, f"DUMPS {env.get('DUMPS')!r} is not a read-only mount of the analyze container")
    if env.get("REPORTS") not in mounts or mounts[env.get("REPORTS")].get("readOnly"):
        problem(where, f"REPORTS {env.get('REPORTS')!r} is not a writable mount of the analyze container")
    if "/tmp" not in mounts:
        problem(where, "no writable /tmp under a read-only root file system")
    policy = spec.get("podFailurePolicy", {}).get("rules", [])
    for rule in policy:
        on = rule.get("onExitCodes")
        if on and on.get("containerName") not in containers:
            problem(where, f"podFailurePolicy names container {on.get('containerName')!r}, which the pod lacks")
        if on and set(on.get("values", [])) & {0, 1, 3} and rule.get("action") != "Ignore":
            problem(where, f"podFailurePolicy acts on exit codes {on.get('values')}: 1 and 3 mean a report was written")
        if rule.get("action") == "FailIndex" and "backoffLimitPerIndex" not in spec:
            problem(where, "FailIndex needs backoffLimitPerIndex")
    if not any(r.get("action") == "FailIndex" and 2 in r.get("onExitCodes", {}).get("values", []) for r in policy):
        problem(where, "exit code 2 (nothing could be analysed) is retried: no FailIndex rule for it")
    return {"name": job["metadata"]["name"], "completions": n, "script": script, "image": analyze["image"]}


def main():
    directory = sys.argv[1]
    docs = load(directory)
    analyzes, summaries = {}, {}
    for file, objects in docs.items():
        for obj in objects:
            where = f"{file} {obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
            if obj.get("kind") != "Job":
                continue
            check_pod_security(where, obj)
            component = obj["metadata"].get("labels", {}).get("app.kubernetes.io/component")
            if component == "analyze":
                info = check_analyze(where, obj)
                if info:
                    analyzes[file] = info
            elif component == "summarize":
                summaries[file] = obj
            else:
                problem(where, "a Job neither analyze nor summarize (label app.kubernetes.io/component)")
    if "analyze-job.yaml" not in analyzes:
        problem(directory, "no analyze-job.yaml with an analyze Job")
    if len(summaries) != 1:
        problem(directory, f"{len(summaries)} summary Jobs, not 1")
    main_analyze = analyzes.get("analyze-job.yaml")
    for file, info in analyzes.items():
        if main_analyze and file != "analyze-job.yaml":
            for key in ("name", "completions", "script", "image"):
                if info[key] != main_analyze[key]:
                    problem(file, f"its {key} differs from analyze-job.yaml's: the summary Job reads one of them")
    for file, job in summaries.items():
        container = job["spec"]["template"]["spec"]["containers"][0]
        env = env_of(container)
        script = script_of(container) or ""
        if main_analyze:
            if env.get("RUN") != main_analyze["name"]:
                problem(file, f"RUN {env.get('RUN')!r} is not the analyze Job's name {main_analyze['name']!r}")
            if env.get("SHARDS") != str(main_analyze["completions"]):
                problem(file, f"SHARDS {env.get('SHARDS')!r} is not the analyze Job's completions {main_analyze['completions']}")
            if container["image"] != main_analyze["image"]:
                problem(file, "a different image from the analyze Job's")
        for needle in ('mustard summarize "$REPORTS/$RUN"', "0|1|3)", 'exit "$code"', "-of-$SHARDS"):
            if needle not in script:
                problem(file, f"the summary script lacks {needle!r}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
