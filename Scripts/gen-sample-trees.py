#!/usr/bin/env python3
"""Regenerates the must-gather sample trees under Samples/ and Tests/Fixtures/.

Deterministic (seeded) so names/UIDs stay stable. Usage: python3 Scripts/gen-sample-trees.py [repo-root]
Only writes plain files; `X.tar.gz.d/` folders are packed into `X.tar.gz` by the packer.
"""
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sys
import uuid

import yaml

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
UTC = dt.timezone.utc
INVALID = "quay.io/konveyor/invalid_image:latest"
PULL_ERR = ('rpc error: code = Unknown desc = reading manifest latest in quay.io/konveyor/invalid_image: '
            'unauthorized: access to the requested resource is not authorized')
MG_DIGEST = "3c1f0b8e5d7a94c2e61b0f3d8a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c"
MGDIR = "quay-io-konveyor-must-gather-sha256-" + MG_DIGEST

# ---------------------------------------------------------------- YAML like oc (go-yaml v2)


class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, data):
    tag = dumper.resolve(yaml.ScalarNode, data, (True, False))
    style = None
    if tag != "tag:yaml.org,2002:str":
        style = '"'
    elif "\n" in data:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


Dumper.add_representer(str, _str)


def ydump(obj):
    return yaml.dump(obj, Dumper=Dumper, sort_keys=True, default_flow_style=False, width=80, allow_unicode=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def wobj(path, obj, lead=False):
    write(path, ("---\n" if lead else "") + ydump(obj))


# ---------------------------------------------------------------- time helpers


def T(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def plus(t, s=0, m=0, h=0):
    return t + dt.timedelta(seconds=s, minutes=m, hours=h)


def golines(start, end, ns1, ns2, mono0, offset_h=None, tzname="UTC"):
    """Two lines in Go's time.Time String() format (start/end). start/end are UTC datetimes."""
    out = []
    for t, ns, mono in ((start, ns1, mono0), (end, ns2, mono0 + (end - start).total_seconds() + (ns2 - ns1) / 1e9)):
        if offset_h is None:
            loc, off = t, "+0000"
        else:
            loc, off = t + dt.timedelta(hours=offset_h), "%+03d00" % offset_h
        out.append("%s.%09d %s %s m=+%.9f" % (loc.strftime("%Y-%m-%d %H:%M:%S"), ns, off, tzname, mono))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- per-tree randomness


class Tree:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rv = 41000000 + self.rng.randint(0, 900000)

    def uid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sfx(self, n=5):
        return "".join(self.rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))

    def hexs(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def rvs(self):
        self.rv += self.rng.randint(3, 4000)
        return str(self.rv)


def lst(tr, kind, items, typed=True):
    return {"apiVersion": "v1", "items": items, "kind": kind if typed else "List",
            "metadata": {"resourceVersion": tr.rvs() if typed else ""}}


# ---------------------------------------------------------------- version data

# final_total and the step numbers: FinalItinerary in mig-controller `pkg/controller/migmigration/task.go` of each
# release branch (sbc = StageBackupCreated, dvm = WaitForDirectVolumeMigrationToComplete).
VER = {
    "1.8": dict(tag="release-1.8.4", opver="1.8.4", final_total=50, spc=25, sbc=31, dvm=39, cancel_total=11),
    "1.7": dict(tag="release-1.7.13", opver="1.7.13", final_total=49, spc=24, sbc=30, dvm=38, cancel_total=11),
    "1.6": dict(tag="release-1.6.5", opver="1.6.5", final_total=48, spc=24, sbc=30, dvm=38, cancel_total=11),
    "1.4.1": dict(tag="release-1.4.1", opver="1.4.1", final_total=47, spc=23, sbc=29, dvm=36, cancel_total=10),
    "1.3": dict(tag="release-1.3.2", opver="1.3.2", final_total=32, spc=11, cancel_total=10),
}


def legacy_root(ver):
    """1.3 to 1.4.2 write each cluster at `must-gather/<cluster>/` (migtools/must-gather release-1.4.0
    `collection-scripts/gather`: `oc adm inspect --dest-dir must-gather/${cluster}`); 1.4.3+ under `clusters/`."""
    return ver == "1.3" or ver.startswith("1.4.") and int(ver.split(".")[2]) <= 2


def cluster_dir(mg, cluster, ver):
    return os.path.join(mg, cluster) if legacy_root(ver) else os.path.join(mg, "clusters", cluster)


def good_stage(ver):
    # 1.8 builds stage pods from the rsync-transfer image (mig-operator defaults/main.yml, RSYNC_TRANSFER_REPO).
    if ver == "1.8":
        return "quay.io/konveyor/rsync-transfer:" + VER[ver]["tag"]
    return "quay.io/konveyor/velero-restic-restore-helper:" + VER[ver]["tag"]


def cluster_config_data(ver, stage_image, subdomain):
    tag = VER[ver]["tag"]
    d = {"STAGE_IMAGE": stage_image, "REGISTRY_IMAGE": "quay.io/konveyor/registry:" + tag}
    if ver != "1.3":
        d.update({"RSYNC_TRANSFER_IMAGE": "quay.io/konveyor/rsync-transfer:" + tag, "RSYNC_PRIVILEGED": "false",
                  "CLUSTER_SUBDOMAIN": subdomain, "OPERATOR_VERSION": VER[ver]["opver"]})
    if ver in ("1.7", "1.8"):
        d["RSYNC_SUPER_PRIVILEGED"] = "false"
    return d


FAKE_CA = "-----BEGIN CERTIFICATE-----\n" + "\n".join(
    ["MIIDMjCCAhqgAwIBAgIIP3rV0x2QW5AwDQYJKoZIhvcNAQELBQAwNzESMBAGA1UE",
     "CxMJb3BlbnNoaWZ0MSEwHwYDVQQDExhrdWJlLWFwaXNlcnZlci1sYi1zaWduZXIw",
     "HhcNMjYwOTI4MTAxNzQ4WhcNMzYwOTI1MTAxNzQ4WjA3MRIwEAYDVQQLEwlvcGVu",
     "c2hpZnQxITAfBgNVBAMTGGt1YmUtYXBpc2VydmVyLWxiLXNpZ25lcjCCASIwDQYJ",
     "KoZIhvcNAQEBBQADggEPADCCAQoCggEBAMkR3Zr0EXAMPLEONLYNOTAREALCERT00",
     "-----END CERTIFICATE-----"]) + "\n"

CANARY_B64 = "Q0FOQVJZLVNFQ1JFVC1ETy1OT1QtUFJJTlQ="  # base64("CANARY-SECRET-DO-NOT-PRINT")


# ---------------------------------------------------------------- generic pod


def running_pod(tr, name, ns, labels, owner_kind, owner_name, owner_uid, containers, node, created,
                init_containers=(), annotations=None, sa="default", extra_spec=None):
    """containers: list of (name, image, extra dict)."""
    uid = tr.uid()
    ip = "10.%d.%d.%d" % (tr.rng.choice([128, 129, 130, 131]), tr.rng.randint(0, 3), tr.rng.randint(2, 250))
    tok = "kube-api-access-" + tr.sfx()
    sa_mount = {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": tok, "readOnly": True}
    ctrs, cstat = [], []
    started = plus(created, 3)
    for cname, image, extra in containers:
        c = {"image": image, "imagePullPolicy": "Always", "name": cname,
             "resources": {"requests": {"cpu": "100m", "memory": "350Mi"}},
             "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
             "volumeMounts": [sa_mount]}
        c.update(extra or {})
        ctrs.append(c)
        repo = image.split(":")[0].split("@")[0]
        cstat.append({"containerID": "cri-o://" + tr.hexs(64), "image": image,
                      "imageID": "%s@sha256:%s" % (repo, hashlib.sha256(image.encode()).hexdigest()),
                      "lastState": {}, "name": cname, "ready": True, "restartCount": 0, "started": True,
                      "state": {"running": {"startedAt": iso(plus(started, 6))}}})
    inits, istat = [], []
    for cname, image in init_containers:
        inits.append({"image": image, "imagePullPolicy": "Always", "name": cname, "resources": {},
                      "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                      "volumeMounts": [{"mountPath": "/target", "name": "plugins"}, sa_mount]})
        repo = image.split(":")[0]
        istat.append({"containerID": "cri-o://" + tr.hexs(64), "image": image,
                      "imageID": "%s@sha256:%s" % (repo, hashlib.sha256(image.encode()).hexdigest()),
                      "lastState": {}, "name": cname, "ready": True, "restartCount": 0,
                      "state": {"terminated": {"containerID": "cri-o://" + tr.hexs(64), "exitCode": 0,
                                               "finishedAt": iso(plus(created, 5)), "reason": "Completed",
                                               "startedAt": iso(plus(created, 4))}}})
    gen = owner_name + "-" if owner_kind in ("ReplicaSet", "DaemonSet") else None
    meta = {"creationTimestamp": iso(created), "labels": labels, "name": name, "namespace": ns,
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True,
                                 "kind": owner_kind, "name": owner_name, "uid": owner_uid}],
            "resourceVersion": tr.rvs(), "uid": uid,
            "annotations": {"k8s.v1.cni.cncf.io/network-status": '[{\n    "name": "openshift-sdn",\n    "interface": "eth0",\n    "ips": [\n        "%s"\n    ],\n    "default": true,\n    "dns": {}\n}]' % ip,
                            "openshift.io/scc": "restricted-v2"}}
    if annotations:
        meta["annotations"].update(annotations)
    if gen:
        meta["generateName"] = gen
    vols = [{"name": tok, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}}]}}]
    if init_containers:
        vols.insert(0, {"emptyDir": {}, "name": "plugins"})
    spec = {"containers": ctrs, "dnsPolicy": "ClusterFirst", "enableServiceLinks": True, "nodeName": node,
            "preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Always",
            "schedulerName": "default-scheduler", "securityContext": {}, "serviceAccount": sa,
            "serviceAccountName": sa, "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
                             "tolerationSeconds": 300},
                            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
                             "tolerationSeconds": 300}],
            "volumes": vols}
    if inits:
        spec["initContainers"] = inits
    if extra_spec:
        spec.update(extra_spec)
    ready_t = iso(plus(created, 10))
    status = {"conditions": [
        {"lastProbeTime": None, "lastTransitionTime": iso(plus(created, 6 if inits else 1)), "status": "True", "type": "Initialized"},
        {"lastProbeTime": None, "lastTransitionTime": ready_t, "status": "True", "type": "Ready"},
        {"lastProbeTime": None, "lastTransitionTime": ready_t, "status": "True", "type": "ContainersReady"},
        {"lastProbeTime": None, "lastTransitionTime": iso(created), "status": "True", "type": "PodScheduled"}],
        "containerStatuses": cstat, "hostIP": "10.0.%d.%d" % (tr.rng.randint(128, 191), tr.rng.randint(2, 250)),
        "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "qosClass": "Burstable", "startTime": iso(created)}
    if istat:
        status["initContainerStatuses"] = istat
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def event(tr, ns, obj, reason, message, etype, first, last, count, component, host=None, field_path=None):
    ev = {"apiVersion": "v1", "count": count, "eventTime": None, "firstTimestamp": iso(first),
          "involvedObject": {"apiVersion": obj.get("apiVersion", "v1"), "kind": obj["kind"],
                             "name": obj["name"], "namespace": ns, "resourceVersion": obj.get("rv", tr.rvs()),
                             "uid": obj["uid"]},
          "kind": "Event", "lastTimestamp": iso(last), "message": message,
          "metadata": {"creationTimestamp": iso(first), "name": "%s.%s" % (obj["name"], tr.hexs(16)),
                       "namespace": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()},
          "reason": reason, "reportingComponent": "", "reportingInstance": "",
          "source": {"component": component}, "type": etype}
    if host:
        ev["source"]["host"] = host
    if field_path:
        ev["involvedObject"]["fieldPath"] = field_path
    return ev


# ---------------------------------------------------------------- MTC namespace (one cluster)

MIG_API = "migration.openshift.io/v1alpha1"
# Versions whose gather writes `clusters/<cluster>/` with a newer `oc adm inspect` (event-filter.html, typed lists).
CLUSTERS_OC = ("1.6", "1.7", "1.8")


def mtc_pods(tr, ver, is_host, t0, nodes):
    tag = VER[ver]["tag"]
    ns = "openshift-migration"
    pods = []

    def rs_pod(prefix, labels, containers, node, init=(), sa="migration-controller"):
        h = tr.sfx(10 if ver in CLUSTERS_OC else 9)
        rs = "%s-%s" % (prefix, h)
        name = "%s-%s" % (rs, tr.sfx())
        lab = dict(labels)
        lab["pod-template-hash"] = h
        return running_pod(tr, name, ns, lab, "ReplicaSet", rs, tr.uid(), containers, node, t0, init, sa=sa)

    pods.append(rs_pod("migration-operator", {"app": "migration-operator", "name": "migration-operator"},
                       [("operator", "quay.io/konveyor/mig-operator-container:" + tag, None)], nodes[0],
                       sa="migration-operator"))
    if is_host:
        cc = [("mtc", "quay.io/konveyor/mig-controller:" + tag, {"command": ["/manager"]})]
        if ver in CLUSTERS_OC:
            cc.append(("discovery", "quay.io/konveyor/mig-controller:" + tag,
                       {"command": ["/manager"], "args": ["--discovery"]}))
        else:
            cc[0] = ("mtc", cc[0][1], cc[0][2])
        pods.append(rs_pod("migration-controller", {"app": "migration", "control-plane": "controller-manager",
                                                    "controller-tools.k8s.io": "1.0",
                                                    "migration-cluster-config": tr.hexs(32)}, cc, nodes[1]))
        pods.append(rs_pod("migration-ui", {"app": "migration", "service": "migration-ui"},
                           [("mig-ui", "quay.io/konveyor/mig-ui:" + tag, None)], nodes[2], sa="migration-operator"))
    if ver != "1.3":
        pods.append(rs_pod("migration-log-reader", {"app": "migration", "logreader": "mig"},
                           [("color", "quay.io/konveyor/mig-log-reader:" + tag, None),
                            ("plain", "quay.io/konveyor/mig-log-reader:" + tag, None)], nodes[0]))
    pods.append(rs_pod("velero", {"app.kubernetes.io/name": "velero", "component": "velero", "deploy": "velero"},
                       [("velero", "quay.io/konveyor/velero:" + tag, {"command": ["/velero"]})], nodes[1],
                       init=[("openshift-velero-plugin", "quay.io/konveyor/openshift-velero-plugin:" + tag),
                             ("velero-plugin-for-aws", "quay.io/konveyor/velero-plugin-for-aws:" + tag)],
                       sa="velero"))
    ds_uid = tr.uid()
    # Velero 1.10+ (MTC 1.8) renamed the restic daemonset node-agent (vmware-tanzu/velero pkg/install/daemonset.go:
    # DaemonSet and container `node-agent`, label name=node-agent, args `node-agent server`).
    fsb = "node-agent" if ver == "1.8" else "restic"
    for n in nodes:
        pods.append(running_pod(tr, fsb + "-" + tr.sfx(), ns, {"component": "velero", "name": fsb,
                                                               "controller-revision-hash": tr.hexs(10)},
                                "DaemonSet", fsb, ds_uid,
                                [(fsb, "quay.io/konveyor/velero:" + tag,
                                  {"command": ["/velero"], "args": [fsb, "server"]})], n, t0, sa="velero"))
    return pods


def simple_log(pod, t0, t1):
    name = pod["metadata"]["name"]
    if name.startswith("velero"):
        return "".join('time="%s" level=info msg="%s" logSource="%s"\n' % (iso(t), m, s) for t, m, s in [
            (t0, "setting log-level to INFO", "pkg/cmd/server/server.go:193"),
            (plus(t0, 1), "Starting Velero server konveyor-dev (-)", "pkg/cmd/server/server.go:195"),
            (plus(t0, 2), "Checking existence of namespace.", "pkg/cmd/server/server.go:370"),
            (plus(t0, 3), "Server started successfully", "pkg/cmd/server/server.go:881"),
            (plus(t1, -600), "Validating backup storage location", "pkg/controller/backup_storage_location_controller.go:131"),
            (plus(t1, -540), "Backup storage location valid, marking as available", "pkg/controller/backup_storage_location_controller.go:116")])
    if name.startswith("restic"):
        return "".join('time="%s" level=info msg="%s" logSource="%s"\n' % (iso(t), m, s) for t, m, s in [
            (t0, "Setting log-level to INFO", "pkg/cmd/cli/restic/server.go:91"),
            (plus(t0, 1), "Starting Velero restic server konveyor-dev (-)", "pkg/cmd/cli/restic/server.go:92"),
            (plus(t0, 2), "Starting controllers", "pkg/cmd/cli/restic/server.go:223"),
            (plus(t0, 3), "Controllers started successfully", "pkg/cmd/cli/restic/server.go:266")])
    if name.startswith("node-agent"):
        return "".join('time="%s" level=info msg="%s" logSource="%s"\n' % (iso(t), m, s) for t, m, s in [
            (t0, "Setting log-level to INFO", "pkg/cmd/cli/nodeagent/server.go:117"),
            (plus(t0, 1), "Starting Velero node-agent server konveyor-dev (-)", "pkg/cmd/cli/nodeagent/server.go:118"),
            (plus(t0, 2), "Starting controllers", "pkg/cmd/cli/nodeagent/server.go:229"),
            (plus(t0, 3), "Controllers started successfully", "pkg/cmd/cli/nodeagent/server.go:290")])
    if name.startswith("migration-operator"):
        return "".join('{"level":"info","ts":%.7f,"logger":"%s","msg":"%s"%s}\n' % (t.timestamp(), lg, m, x)
                       for t, lg, m, x in [
            (t0, "cmd", "Version", ',"Go Version":"go1.16.12","GOOS":"linux","GOARCH":"amd64","ansible-operator":"v1.9.0"'),
            (plus(t0, 2), "cmd", "Watch namespaces not configured by environment variable WATCH_NAMESPACE or file. Watching all namespaces.", ',"Namespace":""'),
            (plus(t0, 5), "controller-runtime.manager.controller.migrationcontroller", "Starting workers", ',"worker count":4'),
            (plus(t1, -420), "logging_event_handler", "[playbook task start]", ',"name":"migration-controller","namespace":"openshift-migration","gvk":"migration.openshift.io/v1alpha1, Kind=MigrationController","event_type":"playbook_on_task_start","job":"%d","EventData.Name":"migrationcontroller : Set up mig controller configmap"' % (8110000000000000000 + int(t1.timestamp()))),
            (plus(t1, -400), "runner", "Ansible-runner exited successfully", ',"job":"%d","name":"migration-controller","namespace":"openshift-migration"' % (8110000000000000000 + int(t1.timestamp())))])
    if name.startswith("migration-log-reader"):
        return "Tailing logs of openshift-migration pods\n==> /var/log/pods/openshift-migration_%s/mtc/0.log <==\n" % name
    if name.startswith("migration-ui"):
        return "".join("%s %s\n" % (iso(t), m) for t, m in [
            (t0, "Listening on port 9000"), (plus(t0, 1), "Staticdir: /opt/app-root/src/staticroot"),
            (plus(t1, -900), "GET /cluster-api/apis/migration.openshift.io/v1alpha1/namespaces/openshift-migration/migmigrations 200")])
    return ""


def write_mtc_cluster(tr, cdir, cluster, ver, is_host, stage_image, override, t_install, ins_start, ins_end,
                      events=(), controller_log=None, crs=None, subdomain="apps.example.com", secrets=False,
                      nodes=None, typed=True):
    """Writes `oc adm inspect ns/openshift-migration` + MTC extras for one cluster under cdir."""
    ns = "openshift-migration"
    nd = os.path.join(cdir, "namespaces", ns)
    nodes = nodes or ["ip-10-0-%d-%d.us-east-2.compute.internal" % (tr.rng.randint(128, 191), tr.rng.randint(2, 250))
                      for _ in range(3)]
    write(os.path.join(cdir, "timestamp"), golines(ins_start, ins_end, tr.rng.randint(0, 10**9 - 1),
                                                   tr.rng.randint(0, 10**9 - 1), 0.03 + tr.rng.random() / 50))
    if ver in CLUSTERS_OC:
        write(os.path.join(cdir, "event-filter.html"), EVENT_FILTER)
    nsobj = {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"annotations": {"openshift.io/description": "", "openshift.io/display-name": "",
                                          "openshift.io/sa.scc.mcs": "s0:c26,c0",
                                          "openshift.io/sa.scc.supplemental-groups": "1000660000/10000",
                                          "openshift.io/sa.scc.uid-range": "1000660000/10000"},
                          "creationTimestamp": iso(plus(t_install, -120)),
                          "labels": {"kubernetes.io/metadata.name": ns,
                                     "olm.operatorgroup.uid/" + tr.uid(): ""},
                          "name": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()},
             "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
    wobj(os.path.join(nd, ns + ".yaml"), nsobj, lead=typed)
    pods = mtc_pods(tr, ver, is_host, t_install, nodes)
    wobj(os.path.join(nd, "core", "pods.yaml"), lst(tr, "PodList", pods, typed), lead=typed)
    for p in pods:
        n = p["metadata"]["name"]
        wobj(os.path.join(nd, "pods", n, n + ".yaml"), p, lead=typed)
        if n.startswith("migration-controller") and controller_log is not None:
            write(os.path.join(nd, "logs", n, "current.log"), controller_log)
        else:
            write(os.path.join(nd, "logs", n, "current.log"), simple_log(p, plus(t_install, 8), ins_start))
    mc_uid = tr.uid()
    # configmaps
    cms = [
        {"apiVersion": "v1", "data": {"ca.crt": FAKE_CA}, "kind": "ConfigMap",
         "metadata": {"annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."},
                      "creationTimestamp": iso(plus(t_install, -120)), "name": "kube-root-ca.crt", "namespace": ns,
                      "resourceVersion": tr.rvs(), "uid": tr.uid()}},
        {"apiVersion": "v1", "data": {"service-ca.crt": FAKE_CA}, "kind": "ConfigMap",
         "metadata": {"annotations": {"service.beta.openshift.io/inject-cabundle": "true"},
                      "creationTimestamp": iso(plus(t_install, -120)), "name": "openshift-service-ca.crt",
                      "namespace": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()}},
        {"apiVersion": "v1", "data": cluster_config_data(ver, stage_image, subdomain), "kind": "ConfigMap",
         "metadata": {"creationTimestamp": iso(plus(t_install, -40)),
                      "labels": {"control-plane": "controller-manager", "controller-tools.k8s.io": "1.0"},
                      "name": "migration-cluster-config", "namespace": ns,
                      "ownerReferences": [{"apiVersion": MIG_API, "kind": "MigrationController",
                                           "name": "migration-controller", "uid": mc_uid}],
                      "resourceVersion": tr.rvs(), "uid": tr.uid()}},
    ]
    if override:  # the breakfix script deletes the ConfigMap; the operator recreates it
        cms[2]["metadata"]["creationTimestamp"] = iso(override)
    wobj(os.path.join(nd, "core", "configmaps.yaml"), lst(tr, "ConfigMapList", cms, typed), lead=typed)
    wobj(os.path.join(nd, "core", "events.yaml"), lst(tr, "EventList", list(events), typed), lead=typed)
    if secrets:
        secs = [
            {"apiVersion": "v1", "data": {"cloud": CANARY_B64}, "kind": "Secret",
             "metadata": {"creationTimestamp": iso(plus(t_install, -30)), "name": "cloud-credentials",
                          "namespace": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()}, "type": "Opaque"},
            {"apiVersion": "v1", "data": {"ca.crt": CANARY_B64, "namespace": "b3BlbnNoaWZ0LW1pZ3JhdGlvbg==",
                                          "token": CANARY_B64},
             "kind": "Secret",
             "metadata": {"annotations": {"kubernetes.io/service-account.name": "migration-controller",
                                          "kubernetes.io/service-account.uid": tr.uid()},
                          "creationTimestamp": iso(plus(t_install, -30)),
                          "name": "migration-controller-token-" + tr.sfx(), "namespace": ns,
                          "resourceVersion": tr.rvs(), "uid": tr.uid()},
             "type": "kubernetes.io/service-account-token"}]
        wobj(os.path.join(nd, "core", "secrets.yaml"), lst(tr, "SecretList", secs, typed), lead=typed)
    # MigrationController
    spec = {"azure_resource_group": "", "cluster_name": "host", "mig_namespace_limit": "10",
            "mig_pod_limit": "100", "mig_pv_limit": "100", "migration_controller": is_host,
            "migration_log_reader": ver != "1.3", "migration_ui": is_host, "migration_velero": True,
            "olm_managed": True, "restic_timeout": "1h"}
    if ver == "1.3":
        spec.pop("mig_namespace_limit")
    if override:
        spec["migration_stage_image_fqin"] = INVALID
    mc = {"apiVersion": MIG_API, "kind": "MigrationController",
          "metadata": {"creationTimestamp": iso(plus(t_install, -60)), "generation": 2 if override else 1,
                       "name": "migration-controller", "namespace": ns, "resourceVersion": tr.rvs(),
                       "uid": mc_uid},
          "spec": spec,
          "status": {"conditions": [{"ansibleResult": {"changed": 1 if override else 0,
                                                       "completion": iso(plus(ins_start, -tr.rng.randint(60, 500))),
                                                       "failures": 0, "ok": 57, "skipped": 19},
                                     "lastTransitionTime": iso(plus(t_install, -50)),
                                     "message": "Awaiting next reconciliation", "reason": "Successful",
                                     "status": "True", "type": "Running"}],
                     "phase": "Reconciled"}}
    crdir = os.path.join(nd, "crs")
    wobj(os.path.join(crdir, "migrationcontrollers.migration.openshift.io", "migration-controller.yaml"), mc)
    for res, obj in (crs or []):
        wobj(os.path.join(crdir, res, obj["metadata"]["name"] + ".yaml"), obj)
    return pods


EVENT_FILTER = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Events</title>
</head>
<body>
<p>Event filter (stub): open core/events.yaml for the raw events.</p>
</body>
</html>
"""


# ---------------------------------------------------------------- MTC CR builders


def cond(t, status, typ, category, message, reason=None, durable=None):
    c = {"category": category, "lastTransitionTime": iso(t), "message": message, "status": status, "type": typ}
    if reason:
        c["reason"] = reason
    if durable:
        c["durable"] = True
    return c


def migcluster(tr, name, host, created, url=None):
    spec = {"isHostCluster": host}
    if not host:
        spec.update({"exposedRegistryPath": "default-route-openshift-image-registry.apps.source.example.com",
                     "insecure": True, "serviceAccountSecretRef": {"name": "source-cluster-secret",
                                                                   "namespace": "openshift-config"},
                     "url": url or "https://api.source.example.com:6443"})
    return {"apiVersion": MIG_API, "kind": "MigCluster",
            "metadata": {"creationTimestamp": iso(created), "generation": 1, "name": name,
                         "namespace": "openshift-migration", "resourceVersion": tr.rvs(), "uid": tr.uid()},
            "spec": spec,
            "status": {"conditions": [cond(plus(created, 4), "True", "Ready", "Required", "The cluster is ready.")],
                       "observedDigest": tr.hexs(64)}}


def migstorage(tr, created):
    return {"apiVersion": MIG_API, "kind": "MigStorage",
            "metadata": {"creationTimestamp": iso(created), "generation": 1, "name": "s3-repository",
                         "namespace": "openshift-migration", "resourceVersion": tr.rvs(), "uid": tr.uid()},
            "spec": {"backupStorageConfig": {"awsBucketName": "mtc-replication-repo", "awsRegion": "us-east-2",
                                             "credsSecretRef": {"name": "s3-repository-" + tr.sfx(),
                                                                "namespace": "openshift-config"}},
                     "backupStorageProvider": "aws",
                     "volumeSnapshotConfig": {"awsRegion": "us-east-2",
                                              "credsSecretRef": {"name": "s3-repository-" + tr.sfx(),
                                                                 "namespace": "openshift-config"}},
                     "volumeSnapshotProvider": "aws"},
            "status": {"conditions": [cond(plus(created, 6), "True", "Ready", "Required", "The storage is ready.")],
                       "observedDigest": tr.hexs(64)}}


def migplan(tr, P, ver):
    """P: dict(name, uid, created, ns, pvc, pv, src, dest)."""
    c = P["created"]
    spec = {"destMigClusterRef": {"name": P.get("dest", "host"), "namespace": "openshift-migration"},
            "migStorageRef": {"name": "s3-repository", "namespace": "openshift-migration"},
            "namespaces": [P["ns"]],
            "persistentVolumes": [{
                "capacity": P.get("capacity", "10Gi"), "name": P["pv"],
                "pvc": {"accessModes": ["ReadWriteOnce"], "name": P["pvc"], "namespace": P["ns"]},
                "selection": {"action": "copy", "copyMethod": "filesystem", "storageClass": "gp3-csi"},
                "storageClass": "gp2",
                "supported": {"actions": ["skip", "copy"], "copyMethods": ["filesystem", "snapshot"]}}],
            "srcMigClusterRef": {"name": P.get("src", "source-cluster"), "namespace": "openshift-migration"}}
    if ver != "1.3":
        spec["indirectImageMigration"] = True
        spec["indirectVolumeMigration"] = True
        spec["persistentVolumes"][0]["pvc"]["hasReference"] = True
        spec["persistentVolumes"][0]["pvc"]["ownerType"] = P.get("ownerType", "DeploymentConfig")
        spec["persistentVolumes"][0]["pvc"]["volumeMode"] = "Filesystem"
    conds = [cond(plus(c, 3), "True", "PvsDiscovered", "Required",
                  "The `persistentVolumes` list has been updated with discovered PVs.", reason="Done"),
             cond(plus(c, 5), "True", "StorageEnsured", "Required", "The storage resources have been created.",
                  reason="Done"),
             cond(plus(c, 5), "True", "Ready", "Required", "The migration plan is ready.")]
    return {"apiVersion": MIG_API, "kind": "MigPlan",
            "metadata": {"annotations": {"openshift.io/touch": tr.uid()}, "creationTimestamp": iso(c),
                         "generation": 4, "name": P["name"], "namespace": "openshift-migration",
                         "resourceVersion": tr.rvs(), "uid": P["uid"]},
            "spec": spec,
            "status": {"conditions": conds, "destStorageClasses": [
                {"accessModes": ["ReadWriteOnce"], "default": True, "name": "gp3-csi",
                 "provisioner": "ebs.csi.aws.com"}],
                "excludedResources": ["imagetags", "templateinstances", "clusterserviceversions", "packagemanifests",
                                      "subscriptions", "servicebrokers", "servicebindings", "serviceclasses",
                                      "serviceinstances", "serviceplans", "operatorgroups", "events",
                                      "events.events.k8s.io"],
                "observedDigest": tr.hexs(64),
                "srcStorageClasses": [{"accessModes": ["ReadWriteOnce"], "default": True, "name": "gp2",
                                       "provisioner": "kubernetes.io/aws-ebs"}]}}


PIPE_NAMES = ["Prepare", "Backup", "StageBackup", "StageRestore", "Restore", "Cleanup"]


def migmigration(tr, M, P, ver):
    """M: dict(name, uid, created, kind in stuck|postponed|completed|canceled, ...)."""
    c = M["created"]
    meta = {"annotations": {"openshift.io/touch": tr.uid()}, "creationTimestamp": iso(c), "generation": 3 if M["kind"] == "canceled" else 2,
            "labels": {"migration.openshift.io/migplan-name": P["name"], "migration.openshift.io/migration-uid": M["uid"]},
            "name": M["name"], "namespace": "openshift-migration",
            "ownerReferences": [{"apiVersion": MIG_API, "kind": "MigPlan", "name": P["name"], "uid": P["uid"]}],
            "resourceVersion": tr.rvs(), "uid": M["uid"]}
    if ver == "1.3":
        meta.pop("labels")
    spec = {"migPlanRef": {"name": P["name"], "namespace": "openshift-migration"}, "quiescePods": True,
            "stage": False}
    if M["kind"] == "canceled":
        spec["canceled"] = True
    tot = VER[ver]["final_total"]
    spc = VER[ver]["spc"]
    st = {"observedDigest": tr.hexs(64)}
    k = M["kind"]
    if k == "postponed":
        st["conditions"] = [cond(plus(c, 1), "True", "Postponed", "Critical",
                                 "Postponed 10 seconds to ensure migrations run serially and in order.")]
    else:
        st["startTimestamp"] = iso(c)
        spt = M["spc_at"]  # time StagePodsCreated was reached
        conds = [cond(spt, "True", "StagePodsCreated", "Advisory", "[1] Stage pods created.", reason="Created",
                      durable=True)]
        if k == "stuck":
            st["itinerary"], st["phase"] = "Final", "StagePodsCreated"
            conds.append(cond(spt, "True", "Running", "Advisory", "Step: %d/%d" % (spc, tot),
                              reason="StagePodsCreated"))
            conds.append(cond(plus(c, 1), "True", "Ready", "Required", "The migration is ready."))
        elif k == "completed":
            st["itinerary"], st["phase"] = "Final", "Completed"
            conds.append(cond(plus(c, 1), "True", "Ready", "Required", "The migration is ready."))
            conds.append(cond(M["done"], "True", "Succeeded", "Advisory",
                              "The migration has completed successfully.", reason="Completed", durable=True))
        elif k == "canceled":
            st["itinerary"], st["phase"] = "Cancel", "Completed"
            conds.insert(0, cond(M["done"], "True", "Canceled", "Advisory", "The migration has been canceled.",
                                 reason="Cancel", durable=True))
            conds.append(cond(plus(c, 1), "True", "Ready", "Required", "The migration is ready."))
            if M.get("succeeded_too"):
                conds.append(cond(M["done"], "True", "Succeeded", "Advisory",
                                  "The migration has completed successfully.", reason="Completed", durable=True))
        st["conditions"] = conds
        if ver != "1.3":
            st["pipeline"] = pipeline(M, P)
    return {"apiVersion": MIG_API, "kind": "MigMigration", "metadata": meta, "spec": spec, "status": st}


def pipeline(M, P):
    c, spt, k = M["created"], M["spc_at"], M["kind"]
    prep_done = plus(c, 36)
    bk_done = M.get("backup_done", plus(c, 189))
    sb_start = plus(bk_done, 1)
    steps = [{"completed": iso(prep_done), "message": "Completed", "name": "Prepare", "started": iso(c)},
             {"completed": iso(bk_done), "message": "Completed", "name": "Backup",
              "progress": ["Backup openshift-migration/%s: 41 out of estimated total of 41 objects backed up (31s)"
                           % M["initial_backup"]],
              "started": iso(prep_done)}]
    if k == "completed":
        d = M["done"]
        sb_done = plus(spt, 95)
        sr_done = plus(sb_done, 70)
        rs_done = plus(d, -40)
        steps += [{"completed": iso(sb_done), "message": "Completed", "name": "StageBackup",
                   "progress": ["Backup openshift-migration/%s: 36 out of estimated total of 36 objects backed up (22s)" % M["stage_backup"],
                                "PodVolumeBackup openshift-migration/%s: 412 MB out of 412 MB backed up (58s)" % M["pvb"]],
                   "started": iso(sb_start)},
                  {"completed": iso(sr_done), "message": "Completed", "name": "StageRestore",
                   "progress": ["Restore openshift-migration/%s: 36 out of estimated total of 36 objects restored (19s)" % M["stage_restore"],
                                "PodVolumeRestore openshift-migration/%s: 412 MB out of 412 MB restored (44s)" % M["pvr"]],
                   "started": iso(sb_done)},
                  {"completed": iso(rs_done), "message": "Completed", "name": "Restore",
                   "progress": ["Restore openshift-migration/%s: 41 out of estimated total of 41 objects restored (12s)" % M["final_restore"]],
                   "started": iso(sr_done)},
                  {"completed": iso(d), "message": "Completed", "name": "Cleanup", "started": iso(rs_done)}]
        return steps
    sb = {"message": "Waiting for stage pods to be created.", "name": "StageBackup", "phase": "StagePodsCreated",
          "started": iso(sb_start)}
    if M.get("progress"):
        sb["progress"] = M["progress"]
    steps.append(sb)
    steps += [{"message": "Not started", "name": n} for n in ("StageRestore", "Restore")]
    if k == "canceled":
        steps.append({"completed": iso(M["done"]), "message": "Completed", "name": "Cleanup",
                      "started": iso(M["cancel_at"])})
    else:
        steps.append({"message": "Not started", "name": "Cleanup"})
    return steps


def velero_backup(tr, name, M, P, start, end, ns="openshift-migration", kind="initial"):
    return {"apiVersion": "velero.io/v1", "kind": "Backup",
            "metadata": {"annotations": {"migration.openshift.io/migmigration-type": "final",
                                         "migration.openshift.io/migrate-quiesce-pods": "true",
                                         "openshift.io/migrate-copy-phase": "final",
                                         "velero.io/source-cluster-k8s-gitversion": "v1.25.16+5c97f5b"},
                         "creationTimestamp": iso(start), "generateName": name[:-5], "generation": 6,
                         "labels": {"app.kubernetes.io/part-of": "openshift-migration", "migmigration": M["uid"],
                                    "migration-%s-backup" % kind: M["uid"],
                                    "migration.openshift.io/migmigration-name": M["name"],
                                    "migration.openshift.io/migplan-name": P["name"],
                                    "velero.io/storage-location": "s3-repository-" + tr.sfx()},
                         "name": name, "namespace": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()},
            "spec": {"defaultVolumesToRestic": False, "excludedResources": ["imagetags", "events", "events.events.k8s.io"],
                     "hooks": {}, "includeClusterResources": None, "includedNamespaces": [P["ns"]],
                     "storageLocation": "s3-repository-" + tr.sfx(), "ttl": "720h0m0s"},
            "status": {"completionTimestamp": iso(end), "expiration": iso(plus(end, h=720)),
                       "formatVersion": "1.1.0", "phase": "Completed",
                       "progress": {"itemsBackedUp": 41, "totalItems": 41}, "startTimestamp": iso(start),
                       "version": 1}}


# ---------------------------------------------------------------- controller logs


class Log:
    def __init__(self, logger="migration"):
        self.lines = []
        self.logger = logger

    def add(self, t, msg, level="info", logger=None, **kw):
        rec = {"level": level, "ts": round(t.timestamp() + (len(self.lines) * 0.0137) % 0.9, 7),
               "logger": logger or self.logger, "msg": msg}
        rec.update(kw)
        self.lines.append((t, json.dumps(rec, separators=(",", ":"))))

    def text(self):
        return "".join(l + "\n" for _, l in sorted(self.lines, key=lambda x: x[0]))


DESC17 = {
    1: ("Created", "Migration created."), 2: ("Started", "Migration started."),
    3: ("StartRefresh", "Starting refresh on MigPlan, MigStorage and MigCluster resources"),
    4: ("WaitForRefresh", "Waiting for refresh of MigPlan, MigStorage and MigCluster resources to complete"),
    5: ("CleanStaleAnnotations", "Removing leftover migration annotations and labels from PVs, PVCs, Pods, ImageStreams, and Namespaces. Annotations and labels provide instructions to Velero and Velero Plugins."),
    6: ("CleanStaleResticCRs", "Deleting leftover Restic PodVolumeBackups and PodVolumeRestores created by prior migrations"),
    7: ("CleanStaleVeleroCRs", "Deleting leftover Velero Backups and Restores created by prior migrations"),
    8: ("RestartVelero", "Restarting Velero Pods on source and target clusters. This cancels any running Backups and Restores."),
    9: ("CleanStaleStagePods", "Deleting leftover Stage Pods created by prior migrations"),
    10: ("WaitForStaleStagePodsTerminated", "Waiting for leftover Stage Pods to terminate"),
    11: ("CreateRegistries", "Creating migration registries on source and target clusters."),
    12: ("WaitForVeleroReady", "Waiting for Velero Pods to be ready on source and target clusters."),
    13: ("WaitForRegistriesReady", "Waiting for migration registries to be ready."),
    14: ("EnsureCloudSecretPropagated", "Waiting for cloud secrets to be propagated to Velero and Restic Pods."),
    17: ("EnsureInitialBackup", "Creating initial Velero backup."),
    18: ("InitialBackupCreated", "Waiting for initial Velero backup to complete."),
    19: ("QuiesceApplications", "Quiescing (Scaling to 0 replicas): Deployments, DeploymentConfigs, StatefulSets, ReplicaSets, DaemonSets, CronJobs and Jobs."),
    20: ("EnsureQuiesced", "Waiting for Quiesce (Scaling to 0 replicas) to finish for Deployments, DeploymentConfigs, StatefulSets, ReplicaSets, DaemonSets, CronJobs and Jobs."),
    21: ("EnsureStagePodsFromRunning", "Creating Stage Pods for running application Pods."),
    22: ("EnsureStagePodsFromTemplates", "Creating Stage Pods for application Pod templates."),
    23: ("EnsureStagePodsFromOrphanedPVCs", "Creating Stage Pods for PVCs not attached to any Pod."),
    24: ("StagePodsCreated", "Waiting for stage pods to be created."),
}


def run17(log, t, mig, step, total=49):
    phase, desc = DESC17[step]
    log.add(t, "[RUN] (Step %d/%d) %s" % (step, total, desc), migMigration=mig, phase=phase)


def noise17(log, t, plan, clusters=("host", "source-cluster")):
    log.add(t, "Reconciling MigPlan", logger="plan", migPlan=plan)
    for i, c in enumerate(clusters):
        log.add(plus(t, 2 + i), "Reconciling MigCluster", logger="cluster", migCluster=c)
    log.add(plus(t, 5), "Reconciling MigStorage", logger="storage", migStorage="s3-repository")


def startup17(log, t):
    log.add(t, "Setting up client for manager", logger="cmd")
    log.add(plus(t, 1), "Setting up manager", logger="cmd")
    log.add(plus(t, 2), "Registering Components.", logger="cmd")
    log.add(plus(t, 3), "Starting the Cmd.", logger="cmd")
    log.add(plus(t, 4), "starting metrics server", logger="controller-runtime.metrics", path="/metrics")


def run_to_stage_pods(log, M, plan, pod_gen, image, ns, t0, spc_at, quiesce_done):
    """Final itinerary from Created to StagePodsCreated, 1.7 numbering."""
    m = M["name"]
    run17(log, t0, m, 1)
    run17(log, plus(t0, 1), m, 2)
    run17(log, plus(t0, 2), m, 3)
    run17(log, plus(t0, 4), m, 4)
    for i, s in enumerate(range(5, 15)):
        run17(log, plus(t0, 6 + 3 * i), m, s)
    run17(log, plus(t0, 36), m, 17)
    log.add(plus(t0, 37), "Velero Initial Backup has been created.", migMigration=m, backup="openshift-migration/" + M["initial_backup"])
    for x in (40, 100, 160):
        run17(log, plus(t0, x), m, 18)
    bdone = M["backup_done"]
    log.add(bdone, "Initial Velero Backup has completed", migMigration=m, backup="openshift-migration/" + M["initial_backup"])
    run17(log, plus(bdone, 1), m, 19)
    wk = M.get("workload_kind", "DeploymentConfig")
    log.add(plus(bdone, 1), "Quiescing %s." % wk, migMigration=m, **{wk[0].lower() + wk[1:]: "%s/%s" % (ns, M.get("workload", "mssql-deployment"))}, replicas=1)
    run17(log, plus(bdone, 2), m, 20)
    run17(log, quiesce_done, m, 21)
    run17(log, plus(quiesce_done, 1), m, 22)
    log.add(plus(quiesce_done, 1), "Got Stage Pod image from ConfigMap", migMigration=m, stagePodImage=image)
    log.add(plus(quiesce_done, 2), "Creating Stage Pod.", migMigration=m, pod="%s/%s" % (ns, pod_gen))
    run17(log, plus(quiesce_done, 3), m, 23)
    run17(log, spc_at, m, 24)


def stuck_loop(log, m, ns, pod, image, spc_at, end, plan, pull=True, abnormal=None, every_min=37):
    """Repeated reconcile lines while the migration waits at StagePodsCreated."""
    first = True
    t = plus(spc_at, 3)
    while t < end:
        run17(log, t, m, 24)
        log.add(plus(t, 0), "Waiting for Stage Pods to be ready on source cluster", migMigration=m)
        if pull:
            msg = PULL_ERR if first else 'Back-off pulling image "%s"' % image
            log.add(plus(t, 0), "Pending Stage Pod container is waiting with message.", migMigration=m,
                    pod="%s/%s" % (ns, pod), container="sleep-0", containerWaitingMessage=msg)
        if abnormal:
            log.add(plus(t, 1), "Found abnormal event for Stage Pod", migMigration=m, **abnormal)
        if not first:
            noise17(log, plus(t, 9), plan)
        first = False
        t = plus(t, m=every_min, s=13)


# ---------------------------------------------------------------- app namespace inspect (source cluster)


def app_namespace(tr, ns, created):
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"annotations": {"openshift.io/description": "", "openshift.io/display-name": "",
                                         "openshift.io/requester": "developer",
                                         "openshift.io/sa.scc.mcs": "s0:c27,c14",
                                         "openshift.io/sa.scc.supplemental-groups": "1000730000/10000",
                                         "openshift.io/sa.scc.uid-range": "1000730000/10000"},
                         "creationTimestamp": iso(created),
                         "labels": {"kubernetes.io/metadata.name": ns},
                         "name": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def pvc(tr, name, ns, created, pv, size="10Gi"):
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"annotations": {"pv.kubernetes.io/bind-completed": "yes",
                                         "pv.kubernetes.io/bound-by-controller": "yes",
                                         "volume.beta.kubernetes.io/storage-provisioner": "kubernetes.io/aws-ebs",
                                         "volume.kubernetes.io/selected-node": "ip-10-0-143-37.us-east-2.compute.internal"},
                         "creationTimestamp": iso(created), "finalizers": ["kubernetes.io/pvc-protection"],
                         "name": name, "namespace": ns, "resourceVersion": tr.rvs(), "uid": pv[4:]},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}},
                     "storageClassName": "gp2", "volumeMode": "Filesystem", "volumeName": pv},
            "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}, "phase": "Bound"}}


def stage_pod(tr, name, ns, M, P, image, created, node, claim, mount, ver="1.7", unschedulable=None,
              node_selector=None, waiting=None):
    uid = tr.uid()
    labels = {"app.kubernetes.io/part-of": "openshift-migration", "migmigration": M["uid"],
              "migration-included-stage-backup": M["uid"]}
    if ver != "1.3":
        labels.update({"migplan": P["uid"], "migration.openshift.io/is-stage-pod": "true"})
    tok = "kube-api-access-" + tr.sfx()
    spec = {"containers": [{"args": ["infinity"], "command": ["sleep"], "image": image,
                            "imagePullPolicy": "Always", "name": "sleep-0",
                            "resources": {"limits": {"cpu": "100m", "memory": "128Mi"},
                                          "requests": {"cpu": "100m", "memory": "128Mi"}},
                            "securityContext": {"capabilities": {"drop": ["KILL", "MKNOD", "SETGID", "SETUID"]},
                                                "runAsUser": 1000730000},
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File",
                            "volumeMounts": [{"mountPath": mount, "name": "data"},
                                             {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                              "name": tok, "readOnly": True}]}],
            "dnsPolicy": "ClusterFirst", "enableServiceLinks": True,
            "imagePullSecrets": [{"name": "default-dockercfg-" + tr.sfx()}],
            "preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"fsGroup": 1000730000, "seLinuxOptions": {"level": "s0:c27,c14"}},
            "serviceAccount": "default", "serviceAccountName": "default", "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
                             "tolerationSeconds": 300},
                            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
                             "tolerationSeconds": 300}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}},
                        {"name": tok, "projected": {"defaultMode": 420, "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}],
                                           "name": "kube-root-ca.crt"}}]}}]}
    if node:
        spec["nodeName"] = node
    if node_selector:
        spec["nodeSelector"] = node_selector
    meta = {"annotations": {"openshift.io/scc": "restricted"}, "creationTimestamp": iso(created),
            "generateName": name[:-5], "labels": labels, "name": name, "namespace": ns,
            "resourceVersion": tr.rvs(), "uid": uid}
    if unschedulable:
        status = {"conditions": [{"lastProbeTime": None, "lastTransitionTime": iso(created),
                                  "message": unschedulable, "reason": "Unschedulable", "status": "False",
                                  "type": "PodScheduled"}],
                  "phase": "Pending", "qosClass": "Guaranteed"}
    else:
        ip = "10.131.0.%d" % tr.rng.randint(20, 240)
        meta["annotations"]["k8s.v1.cni.cncf.io/network-status"] = '[{\n    "name": "openshift-sdn",\n    "interface": "eth0",\n    "ips": [\n        "%s"\n    ],\n    "default": true,\n    "dns": {}\n}]' % ip
        nr = iso(created)
        status = {"conditions": [
            {"lastProbeTime": None, "lastTransitionTime": nr, "status": "True", "type": "Initialized"},
            {"lastProbeTime": None, "lastTransitionTime": nr, "message": "containers with unready status: [sleep-0]",
             "reason": "ContainersNotReady", "status": "False", "type": "Ready"},
            {"lastProbeTime": None, "lastTransitionTime": nr, "message": "containers with unready status: [sleep-0]",
             "reason": "ContainersNotReady", "status": "False", "type": "ContainersReady"},
            {"lastProbeTime": None, "lastTransitionTime": nr, "status": "True", "type": "PodScheduled"}],
            "containerStatuses": [{"image": image, "imageID": "", "lastState": {}, "name": "sleep-0", "ready": False,
                                   "restartCount": 0, "started": False,
                                   "state": {"waiting": waiting or {
                                       "message": 'Back-off pulling image "%s"' % image,
                                       "reason": "ImagePullBackOff"}}}],
            "hostIP": "10.0.143.37", "phase": "Pending", "podIP": ip, "podIPs": [{"ip": ip}],
            "qosClass": "Guaranteed", "startTime": nr}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def pull_events(tr, ns, pod, image, node, first, last, err):
    o = {"kind": "Pod", "name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"],
         "rv": pod["metadata"]["resourceVersion"]}
    fp = "spec.containers{%s}" % pod["spec"]["containers"][0]["name"]
    span_min = (last - first).total_seconds() / 60
    n_pull = max(2, int(span_min / 5.2))
    n_back = max(3, int(span_min * 2.3))
    return [
        event(tr, ns, o, "Scheduled", "Successfully assigned %s/%s to %s" % (ns, o["name"], node), "Normal",
              first, first, 1, "default-scheduler"),
        event(tr, ns, o, "AddedInterface", "Add eth0 [%s/23] from openshift-sdn" % pod["status"].get("podIP", "10.131.0.9"),
              "Normal", plus(first, 2), plus(first, 2), 1, "multus"),
        event(tr, ns, o, "Pulling", 'Pulling image "%s"' % image, "Normal", plus(first, 3), plus(last, -95), n_pull,
              "kubelet", node, fp),
        event(tr, ns, o, "Failed", 'Failed to pull image "%s": %s' % (image, err), "Warning", plus(first, 4),
              plus(last, -94), n_pull, "kubelet", node, fp),
        event(tr, ns, o, "Failed", "Error: ErrImagePull", "Warning", plus(first, 4), plus(last, -94), n_pull,
              "kubelet", node, fp),
        event(tr, ns, o, "BackOff", 'Back-off pulling image "%s"' % image, "Normal", plus(first, 5), plus(last, -7),
              n_back, "kubelet", node, fp),
        event(tr, ns, o, "Failed", "Error: ImagePullBackOff", "Warning", plus(first, 5), plus(last, -7), n_back,
              "kubelet", node, fp)]


def refusal(pod, container="sleep-0"):
    return ('Error from server (BadRequest): container "%s" in pod "%s" is waiting to start: trying and failing '
            'to pull image\n' % (container, pod))


def deploymentconfig(tr, name, ns, created, image, claim, mount, replicas, pre_quiesce=None, rc_version=1):
    meta = {"annotations": {"openshift.io/generated-by": "OpenShiftNewApp"}, "creationTimestamp": iso(created),
            "generation": 4 if pre_quiesce else 2, "labels": {"app": name, "template": "mssql-persistent-template"},
            "name": name, "namespace": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()}
    if pre_quiesce:
        meta["annotations"]["migration.openshift.io/preQuiesceReplicas"] = pre_quiesce
    return {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": meta,
            "spec": {"replicas": replicas, "revisionHistoryLimit": 10, "selector": {"name": name},
                     "strategy": {"activeDeadlineSeconds": 21600, "recreateParams": {"timeoutSeconds": 600},
                                  "resources": {}, "type": "Recreate"},
                     "template": {"metadata": {"labels": {"name": name}},
                                  "spec": {"containers": [{
                                      "env": [{"name": "ACCEPT_EULA", "value": "Y"},
                                              {"name": "MSSQL_PID", "value": "Developer"},
                                              {"name": "SA_PASSWORD", "valueFrom": {"secretKeyRef": {
                                                  "key": "SA_PASSWORD", "name": "mssql-secret"}}}],
                                      "image": image, "imagePullPolicy": "IfNotPresent", "name": "mssql",
                                      "ports": [{"containerPort": 1433, "protocol": "TCP"}],
                                      "resources": {"limits": {"memory": "3Gi"}},
                                      "terminationMessagePath": "/dev/termination-log",
                                      "terminationMessagePolicy": "File",
                                      "volumeMounts": [{"mountPath": mount, "name": "mssql-data"}]}],
                                      "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
                                      "schedulerName": "default-scheduler", "securityContext": {},
                                      "serviceAccount": "mssql-persistent-sa",
                                      "serviceAccountName": "mssql-persistent-sa",
                                      "terminationGracePeriodSeconds": 30,
                                      "volumes": [{"name": "mssql-data",
                                                   "persistentVolumeClaim": {"claimName": claim}}]}},
                     "test": False, "triggers": [{"type": "ConfigChange"}]},
            "status": {"availableReplicas": 0 if not replicas else 1,
                       "conditions": [
                           {"lastTransitionTime": iso(plus(created, 95)), "lastUpdateTime": iso(plus(created, 95)),
                            "message": 'replication controller "%s-%d" successfully rolled out' % (name, rc_version),
                            "reason": "NewReplicationControllerAvailable", "status": "True", "type": "Progressing"},
                           {"lastTransitionTime": iso(pre_quiesce and created or created),
                            "lastUpdateTime": iso(created),
                            "message": "Deployment config does not have minimum availability." if not replicas else "Deployment config has minimum availability.",
                            "status": "False" if not replicas else "True", "type": "Available"}],
                       "details": {"causes": [{"type": "ConfigChange"}], "message": "config change"},
                       "latestVersion": rc_version, "observedGeneration": 4 if pre_quiesce else 2,
                       "readyReplicas": 0 if not replicas else 1, "replicas": replicas,
                       "unavailableReplicas": 0, "updatedReplicas": replicas}}


# ================================================================ scenarios


def reset(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)


def mg_root(root, local_n, gstart, gend, tr, nested=True):
    """Returns the directory that contains `must-gather/` (the tarball content)."""
    if not nested:
        return root
    loc = os.path.join(root, "must-gather.local.%d" % local_n)
    ns1 = tr.rng.randint(0, 10**9 - 1)
    write(os.path.join(loc, "timestamp"), golines(gstart, gend, ns1, tr.rng.randint(0, 10**9 - 1),
                                                  0.04 + tr.rng.random() / 100, offset_h=1, tzname="CET"))
    return os.path.join(loc, MGDIR, "must-gather.tar.gz.d")


def scenario_17(out, seed, *, day, kind, nested, local_n=5108, with_postponed=False, src_bad=True,
                src_override=True, source_login_error=False, stuck_minutes=None, cancel=False,
                cancel_restored=False, progress_backoff=True, gather_end=None, unschedulable=False,
                names=None, app=None, secrets=False, spc_offset=None):
    """Builds a 1.7 MTC gather. Returns dict of key facts."""
    tr = Tree(seed)
    ns = (app or {}).get("ns", "mssql-persistent")
    plan_name = (app or {}).get("plan", "mssql-persistent-plan")
    d = T(day + "T00:00:00Z")
    t_install_host = plus(d, -3 * 86400 + 3600 * 15)
    t_install_src = plus(t_install_host, 1800)
    P = {"name": plan_name, "uid": names.get("plan_uid") or tr.uid(), "created": plus(d, h=8, m=52, s=31), "ns": ns,
         "pvc": (app or {}).get("pvc", "mssql-pvc"), "pv": "pvc-" + tr.uid(),
         "ownerType": (app or {}).get("ownerType", "DeploymentConfig")}
    M = {"name": names["mig"], "uid": names["mig_uid"], "created": plus(d, h=9, m=10, s=12), "kind": kind,
         "workload": (app or {}).get("workload", "mssql-deployment"),
         "workload_kind": (app or {}).get("ownerType", "DeploymentConfig")}
    M["initial_backup"] = "%s-initial-%s" % (M["name"], tr.sfx())
    M["backup_done"] = plus(M["created"], 189)
    quiesce_done = plus(M["backup_done"], 37)
    M["spc_at"] = plus(quiesce_done, 6)  # 09:14:05 with the defaults
    if spc_offset is not None:  # shift everything so StagePodsCreated happens at spc_offset
        shift = spc_offset - M["spc_at"]
        for k_ in ("created", "backup_done", "spc_at"):
            M[k_] = M[k_] + shift
        quiesce_done = quiesce_done + shift
        P["created"] = plus(M["created"], -1100)
    gend = gather_end
    gstart = plus(gend, -165)
    if nested:
        hwin, swin = (plus(gstart, 14), plus(gstart, 40)), (plus(gstart, 44), plus(gstart, 71))
    elif source_login_error:
        hwin, swin = (plus(gend, -26), gend), None
    else:
        hwin, swin = (plus(gend, -58), plus(gend, -31)), (plus(gend, -27), gend)
    ev_last = plus(hwin[0], -6)
    stage_name = names.get("stage_pod")
    image_src = INVALID if src_bad else good_stage("1.7")
    pod_gen = stage_name[:-5] if stage_name else None
    pod_image_seen = INVALID if (src_bad or cancel_restored) else good_stage("1.7")
    if kind == "stuck" and not unschedulable:
        M["progress"] = ['Pod %s/%s: Container sleep-0 Back-off pulling image "%s"' % (ns, stage_name, INVALID)]
    if kind == "canceled":
        M["cancel_at"] = names["cancel_at"]
        M["done"] = plus(M["cancel_at"], 48)
        M["progress"] = ['Pod %s/%s: Container sleep-0 Back-off pulling image "%s"' % (ns, stage_name, INVALID)]
        M["succeeded_too"] = cancel_restored
    if kind == "completed":
        M["spc_at"] = plus(quiesce_done, 6)
        M["done"] = plus(M["spc_at"], 95 + 70 + 260)
        M["stage_backup"] = "%s-stage-%s" % (M["name"], tr.sfx())
        M["pvb"] = "%s-stage-%s-%s" % (M["name"], tr.sfx(), tr.sfx())
        M["stage_restore"] = "%s-stage-%s" % (M["name"], tr.sfx())
        M["pvr"] = "%s-stage-%s-%s" % (M["name"], tr.sfx(), tr.sfx())
        M["final_restore"] = "%s-final-%s" % (M["name"], tr.sfx())
    migs = [M]
    PP = None
    if with_postponed:
        PP = {"name": names["postponed"], "uid": names["postponed_uid"], "created": plus(d, h=11, m=2, s=37),
              "kind": "postponed"}
        migs.append(PP)

    root = mg_root(out, local_n, gstart, gend, tr, nested)
    mg = os.path.join(root, "must-gather")
    # ---- controller log (host)
    log = Log()
    startup17(log, plus(t_install_host, 40))
    noise17(log, plus(P["created"], 1), plan_name)
    log.add(plus(P["created"], 4), "PV discovery completed.", logger="plan", migPlan=plan_name, pvCount=1)
    if kind == "completed":
        run_to_stage_pods(log, M, plan_name, "stage-%s-" % (app or {}).get("workload", "mssql-deployment"),
                          good_stage("1.7"), ns, M["created"], M["spc_at"], quiesce_done)
        log.add(plus(M["spc_at"], 4), "Stage Pods are running on source cluster", migMigration=M["name"])
        for t_, msg in ((plus(M["spc_at"], 30), "[RUN] (Step 30/49) Creating a stage Velero backup."),
                        (plus(M["spc_at"], 96), "[RUN] (Step 33/49) Creating a stage Velero restore."),
                        (plus(M["spc_at"], 170), "[RUN] (Step 43/49) Creating final Velero restore."),
                        (plus(M["done"], -40), "[RUN] (Step 47/49) Deleting migration registries on source and target clusters."),
                        (M["done"], "[RUN] (Step 49/49) The migration has completed successfully.")):
            log.add(t_, msg, migMigration=M["name"])
        noise17(log, plus(M["done"], 600), plan_name)
        noise17(log, plus(gend, -1800), plan_name)
    else:
        run_to_stage_pods(log, M, plan_name, pod_gen, pod_image_seen if not unschedulable else good_stage("1.7"),
                          ns, M["created"], M["spc_at"], quiesce_done)
        loop_end = M.get("cancel_at") or gend
        ab = None
        if not unschedulable:
            ab = {"Pod": "%s/%s" % (ns, stage_name), "eventType": "Warning", "eventReason": "Failed",
                  "eventMessage": 'Failed to pull image "%s": %s' % (INVALID, PULL_ERR),
                  "eventFirstTimestamp": iso(plus(M["spc_at"], 2))}
        else:
            ab = {"Pod": "%s/%s" % (ns, stage_name), "eventType": "Warning", "eventReason": "FailedScheduling",
                  "eventMessage": unschedulable, "eventFirstTimestamp": iso(plus(M["spc_at"], -1))}
        stuck_loop(log, M["name"], ns, stage_name, INVALID, M["spc_at"], plus(loop_end, -20), plan_name,
                   pull=not unschedulable, abnormal=ab,
                   every_min=max(1, int((loop_end - M["spc_at"]).total_seconds() / 60 / 8)))
        if kind == "canceled":
            ca = M["cancel_at"]
            log.add(ca, "Migration was canceled.", migMigration=M["name"])
            cdesc = ["Migration cancellation in progress.", "Deleting Velero Backups.", "Deleting Velero Restores.",
                     "Deleting migration registries on source and target clusters.", "Deleting hook jobs.",
                     None, None, "Deleting Stage Pods.", "Removing migration annotations and labels.",
                     "The migration has been canceled.", "The migration has been canceled."]
            ph = ["Canceling", "DeleteBackups", "DeleteRestores", "DeleteRegistries", "DeleteHookJobs", None, None,
                  "EnsureStagePodsDeleted", "EnsureAnnotationsDeleted", "Canceled", "Completed"]
            for i, (dsc, p_) in enumerate(zip(cdesc, ph)):
                if dsc:
                    log.add(plus(ca, 2 + i * 4), "[RUN] (Step %d/11) %s" % (i + 1, dsc), migMigration=M["name"],
                            phase=p_)
            log.add(plus(ca, 31), "Deleting Stage Pod.", migMigration=M["name"], pod="%s/%s" % (ns, stage_name))
            noise17(log, plus(M["done"], 900), plan_name)
            noise17(log, plus(gend, -1500), plan_name)
        if PP:
            log.add(PP["created"], "[RUN] (Step 1/49) Migration created.", migMigration=PP["name"], phase="Created")
            for i in range(4):
                log.add(plus(PP["created"], 1 + i * 600), "Found critical conditions on migration, postponing.",
                        migMigration=PP["name"], critical_conditions=["Postponed"])
    if source_login_error:
        log.add(plus(gend, -125), "Cluster client token refresh", logger="cluster", migCluster="source-cluster")
    # ---- events on host
    mo = {"apiVersion": MIG_API, "kind": "MigMigration", "name": M["name"], "uid": M["uid"]}
    po = {"apiVersion": MIG_API, "kind": "MigPlan", "name": plan_name, "uid": P["uid"]}
    evs = [event(tr, "openshift-migration", po, "Ready", "The migration plan is ready.", "Normal",
                 plus(P["created"], 5), plus(ev_last, -300), 412, "migplan_controller")]
    if kind == "stuck":
        evs += [event(tr, "openshift-migration", mo, "Running", "Step: 24/49", "Normal", M["spc_at"],
                      ev_last, 2000 + tr.rng.randint(0, 3000), "migmigration_controller"),
                event(tr, "openshift-migration", mo, "StagePodsCreated", "[1] Stage pods created.", "Normal",
                      M["spc_at"], ev_last, 1900 + tr.rng.randint(0, 3000), "migmigration_controller")]
    elif kind == "canceled":
        evs += [event(tr, "openshift-migration", mo, "Canceled", "The migration has been canceled.", "Normal",
                      M["done"], M["done"], 3, "migmigration_controller")]
    elif kind == "completed":
        evs += [event(tr, "openshift-migration", mo, "Succeeded", "The migration has completed successfully.",
                      "Normal", M["done"], M["done"], 1, "migmigration_controller")]
    if PP:
        evs.append(event(tr, "openshift-migration", {"apiVersion": MIG_API, "kind": "MigMigration",
                                                     "name": PP["name"], "uid": PP["uid"]},
                         "Postponed", "Postponed 10 seconds to ensure migrations run serially and in order.",
                         "Warning", plus(PP["created"], 1), ev_last, 900 + tr.rng.randint(0, 400),
                         "migmigration_controller"))
    # ---- host cluster
    crs = [("migclusters.migration.openshift.io", migcluster(tr, "host", True, plus(t_install_host, 300))),
           ("migclusters.migration.openshift.io", migcluster(tr, "source-cluster", False, plus(t_install_host, 900))),
           ("migstorages.migration.openshift.io", migstorage(tr, plus(t_install_host, 1200)))]
    hdir = os.path.join(mg, "clusters", "host")
    write_mtc_cluster(tr, hdir, "host", "1.7", True, good_stage("1.7"), None, t_install_host,
                      hwin[0], hwin[1], evs, log.text(), crs, subdomain="apps.target.example.com",
                      secrets=secrets)
    # ---- source cluster
    sdir = os.path.join(mg, "clusters", "source-cluster")
    if source_login_error:
        write(os.path.join(sdir, "login_error.txt"), "error: You must be logged in to the server (Unauthorized)\n")
    else:
        scrs = [("backups.velero.io", velero_backup(tr, M["initial_backup"], M, P, plus(M["created"], 37),
                                                    M["backup_done"]))]
        ov = None
        if src_override:
            ov = names.get("override_at") or plus(P["created"], -4200)
        write_mtc_cluster(tr, sdir, "source-cluster", "1.7", False, image_src, ov, t_install_src,
                          swin[0], swin[1], [], None, scrs, subdomain="apps.source.example.com",
                          secrets=secrets)
    # ---- migplans
    pdir = os.path.join(mg, "migplans", "migplan-" + plan_name)
    wobj(os.path.join(pdir, plan_name + ".yml"), migplan(tr, P, "1.7"))
    for m in migs:
        wobj(os.path.join(pdir, "migmigration-" + m["name"], "migmigration-%s.yml" % m["name"]),
             migmigration(tr, m, P, "1.7"))
    return dict(tr=tr, P=P, M=M, PP=PP, gend=gend, gstart=gstart, quiesce_done=quiesce_done)


def inspect_mssql(out, n, facts, inspect_start, inspect_end, image=INVALID, stage_pod_name=None):
    tr = facts["tr"]
    M, P = facts["M"], facts["P"]
    ns = P["ns"]
    root = os.path.join(out, "inspect.local.%d" % n)
    write(os.path.join(root, "timestamp"), golines(inspect_start, inspect_end, tr.rng.randint(0, 10**9 - 1),
                                                   tr.rng.randint(0, 10**9 - 1), 0.05, offset_h=1, tzname="CET"))
    write(os.path.join(root, "event-filter.html"), EVENT_FILTER)
    nd = os.path.join(root, "namespaces", ns)
    ns_created = plus(P["created"], -86400 * 9)
    wobj(os.path.join(nd, ns + ".yaml"), app_namespace(tr, ns, ns_created), lead=True)
    node = "ip-10-0-143-37.us-east-2.compute.internal"
    sp = stage_pod(tr, stage_pod_name, ns, M, P, image, plus(M["spc_at"], -2), node, P["pvc"], "/var/opt/mssql")
    wobj(os.path.join(nd, "core", "pods.yaml"), lst(tr, "PodList", [sp]), lead=True)
    wobj(os.path.join(nd, "pods", sp["metadata"]["name"], sp["metadata"]["name"] + ".yaml"), sp, lead=True)
    write(os.path.join(nd, "pods", sp["metadata"]["name"], "sleep-0", "sleep-0", "logs", "current.log"),
          refusal(sp["metadata"]["name"]))
    write(os.path.join(nd, "pods", sp["metadata"]["name"], "sleep-0", "sleep-0", "logs", "previous.log"),
          'Error from server (BadRequest): previous terminated container "sleep-0" in pod "%s" not found\n'
          % sp["metadata"]["name"])
    wobj(os.path.join(nd, "core", "persistentvolumeclaims.yaml"),
         lst(tr, "PersistentVolumeClaimList", [pvc(tr, P["pvc"], ns, plus(ns_created, 60), P["pv"])]), lead=True)
    dc = deploymentconfig(tr, "mssql-deployment", ns, plus(ns_created, 60),
                          "mcr.microsoft.com/mssql/rhel/server:2019-latest", P["pvc"], "/var/opt/mssql", 0, "1")
    dc["status"]["conditions"][1]["lastTransitionTime"] = iso(facts["quiesce_done"])
    dc["status"]["conditions"][1]["lastUpdateTime"] = iso(facts["quiesce_done"])
    wobj(os.path.join(nd, "apps.openshift.io", "deploymentconfigs.yaml"),
         lst(tr, "DeploymentConfigList", [dc]), lead=True)
    rc = {"apiVersion": "v1", "kind": "ReplicationController",
          "metadata": {"annotations": {"openshift.io/deployer-pod.completed-at": iso(plus(ns_created, 150)),
                                       "openshift.io/deployment-config.latest-version": "1",
                                       "openshift.io/deployment-config.name": "mssql-deployment",
                                       "openshift.io/deployment.phase": "Complete",
                                       "openshift.io/deployment.replicas": "0",
                                       "openshift.io/deployment.status-reason": "config change"},
                       "creationTimestamp": iso(plus(ns_created, 61)),
                       "labels": {"app": "mssql-deployment", "openshift.io/deployment-config.name": "mssql-deployment"},
                       "name": "mssql-deployment-1", "namespace": ns,
                       "ownerReferences": [{"apiVersion": "apps.openshift.io/v1", "blockOwnerDeletion": True,
                                            "controller": True, "kind": "DeploymentConfig",
                                            "name": "mssql-deployment", "uid": dc["metadata"]["uid"]}],
                       "resourceVersion": tr.rvs(), "uid": tr.uid()},
          "spec": {"replicas": 0, "selector": {"deployment": "mssql-deployment-1", "deploymentconfig": "mssql-deployment",
                                               "name": "mssql-deployment"}},
          "status": {"observedGeneration": 3, "replicas": 0}}
    wobj(os.path.join(nd, "core", "replicationcontrollers.yaml"),
         lst(tr, "ReplicationControllerList", [rc]), lead=True)
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"creationTimestamp": iso(plus(ns_created, 60)), "labels": {"app": "mssql-deployment"},
                        "name": "mssql-service", "namespace": ns, "resourceVersion": tr.rvs(), "uid": tr.uid()},
           "spec": {"clusterIP": "172.30.48.211", "clusterIPs": ["172.30.48.211"], "internalTrafficPolicy": "Cluster",
                    "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                    "ports": [{"port": 1433, "protocol": "TCP", "targetPort": 1433}],
                    "selector": {"name": "mssql-deployment"}, "sessionAffinity": "None", "type": "ClusterIP"},
           "status": {"loadBalancer": {}}}
    wobj(os.path.join(nd, "core", "services.yaml"), lst(tr, "ServiceList", [svc]), lead=True)
    # events
    app_pod = {"kind": "Pod", "name": "mssql-deployment-1-l9sp2", "uid": tr.uid()}
    qt = plus(M["backup_done"], 1)
    evs = [event(tr, ns, {"kind": "ReplicationController", "name": "mssql-deployment-1", "uid": rc["metadata"]["uid"]},
                 "SuccessfulDelete", "Deleted pod: mssql-deployment-1-l9sp2", "Normal", plus(qt, 1), plus(qt, 1), 1,
                 "replication-controller"),
           event(tr, ns, app_pod, "Killing", "Stopping container mssql", "Normal", plus(qt, 1), plus(qt, 1), 1,
                 "kubelet", node, "spec.containers{mssql}"),
           event(tr, ns, {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "name": "mssql-deployment",
                          "uid": dc["metadata"]["uid"]},
                 "ReplicationControllerScaled", 'Scaled replication controller "mssql-deployment-1" from 1 to 0',
                 "Normal", qt, qt, 1, "deploymentconfig-controller")]
    evs += pull_events(tr, ns, sp, image, node, plus(M["spc_at"], -2), inspect_start, PULL_ERR)
    wobj(os.path.join(nd, "core", "events.yaml"), lst(tr, "EventList", evs), lead=True)
    return sp


# ---------------------------------------------------------------- seed sample


def sample_stuck(base):
    out = os.path.join(base, "Samples", "stage-image-stuck")
    reset(out)
    day = "2026-11-20"
    names = dict(mig="3b9f2c6e-7a14-4d8b-b5e2-91c0f4a7d6e8", mig_uid="d6a1f0c4-2e9b-4c73-8f15-6b2a9e7d3c01",
                 postponed="a1e7d5b2-4c08-4f9a-8e3d-5b6c2f1a9e74",
                 postponed_uid="0f4b8e2d-9c61-4a35-b7d2-e8a3c5f1b906",
                 plan_uid="8c3e2a41-5b7d-4f0e-9a6c-2d1f7b9e4c53",
                 stage_pod="stage-mssql-deployment-1-l9sp2-9tkfm", override_at=T("2026-11-20T07:41:18Z"))
    f = scenario_17(out, 5108, day=day, kind="stuck", nested=True, local_n=5108, with_postponed=True,
                    names=names, gather_end=T("2026-11-20T13:33:47Z"), secrets=True)
    inspect_mssql(out, 2471, f, T("2026-11-20T13:25:10Z"), T("2026-11-20T13:25:14Z"),
                  stage_pod_name=names["stage_pod"])
    return f


def sample_healthy(base):
    out = os.path.join(base, "Samples", "healthy-migration")
    reset(out)
    names = dict(mig="7d2e9a4f-1b6c-4e83-a5d0-3f8b2c6e1a97", mig_uid="4a9c1e7b-3d52-4f86-b0e4-9c2d7a5f1b38",
                 plan_uid="e2b7c4d9-6a13-4f58-8d2e-1c9b5a7f3e60", stage_pod="stage-mssql-deployment-1-r4x8k-p2mzt")
    return scenario_17(out, 7311, day="2026-11-18", kind="completed", nested=True, local_n=7311, src_bad=False,
                       src_override=False, names=names, gather_end=T("2026-11-18T15:07:22Z"))


# ---------------------------------------------------------------- fixtures (1.7)


def fx_canceled(base, restored):
    name = "mtc-1.7-canceled-image-restored" if restored else "mtc-1.7-canceled-image-still-wrong"
    out = os.path.join(base, "Tests", "Fixtures", name)
    reset(out)
    if restored:
        names = dict(mig="c4f1a8e3-2d7b-4b96-9e05-6a3c8d1f7b24", mig_uid="91d3b6f2-7e48-4ac1-8b5d-2f0e9c6a4d13",
                     plan_uid="5b8e2f1c-4a9d-4e67-b3c0-8d1f6a2e9c75", stage_pod="stage-mssql-deployment-1-l9sp2-9tkfm",
                     cancel_at=T("2026-11-21T10:05:12Z"))
        f = scenario_17(out, 8802, day="2026-11-21", kind="canceled", nested=False, src_bad=False,
                        src_override=False, cancel_restored=True, names=names,
                        gather_end=T("2026-11-21T11:42:09Z"))
    else:
        names = dict(mig="9e2b7f4a-6c13-4d58-a1e9-0b3f5c8d2a76", mig_uid="2c7f9a1e-5b34-4e8d-9f60-d1a8b3c5e742",
                     plan_uid="f3a6d9c2-1e8b-4d75-a4f0-7c2e5b9d1a38", stage_pod="stage-mssql-deployment-1-l9sp2-9tkfm",
                     cancel_at=T("2026-11-20T10:05:12Z"), override_at=T("2026-11-20T07:41:18Z"))
        f = scenario_17(out, 8801, day="2026-11-20", kind="canceled", nested=True, local_n=6650, src_bad=True,
                        src_override=True, names=names, gather_end=T("2026-11-20T11:48:33Z"))
    return f


def fx_ordinary(base):
    out = os.path.join(base, "Tests", "Fixtures", "mtc-1.7-ordinary-imagepullbackoff")
    reset(out)
    names = dict(mig="5a8c3e1f-9d24-4b7a-8e61-c2f9a4d7b053", mig_uid="b7e1d4a9-2c68-4f3e-a905-3d8c1f6b2e47",
                 plan_uid="6d2f8b4e-1a97-4c35-9e0d-7b3a5c1f8e62", stage_pod="stage-mssql-deployment-1-w6k2v-h8q4n")
    f = scenario_17(out, 8803, day="2026-11-19", kind="completed", nested=False, src_bad=False, src_override=False,
                    names=names, gather_end=T("2026-11-19T16:21:45Z"))
    tr = f["tr"]
    ns = "shop"
    img = "quay.io/acme/shop-frontend:v2.3.1-typo"
    root = os.path.join(out, "inspect.local.1187")
    i0, i1 = T("2026-11-19T16:02:31Z"), T("2026-11-19T16:02:35Z")
    write(os.path.join(root, "timestamp"), golines(i0, i1, 118822031, 907114273, 0.048, offset_h=1, tzname="CET"))
    write(os.path.join(root, "event-filter.html"), EVENT_FILTER)
    nd = os.path.join(root, "namespaces", ns)
    nsc = T("2026-10-02T12:00:41Z")
    wobj(os.path.join(nd, ns + ".yaml"), app_namespace(tr, ns, nsc), lead=True)
    dep_uid, rs_new_uid, rs_old_uid = tr.uid(), tr.uid(), tr.uid()
    node = "ip-10-0-171-90.us-east-2.compute.internal"
    roll = T("2026-11-19T15:12:08Z")
    ok = running_pod(tr, "frontend-5c7d9f6b8-k2m4w", ns, {"app": "frontend", "pod-template-hash": "5c7d9f6b8"},
                     "ReplicaSet", "frontend-5c7d9f6b8", rs_old_uid,
                     [("frontend", "quay.io/acme/shop-frontend:v2.3.0", {"ports": [{"containerPort": 8080, "protocol": "TCP"}]})],
                     node, T("2026-11-12T09:30:02Z"))
    bad = running_pod(tr, "frontend-6b9f8d7c5d-q7x2m", ns, {"app": "frontend", "pod-template-hash": "6b9f8d7c5d"},
                      "ReplicaSet", "frontend-6b9f8d7c5d", rs_new_uid,
                      [("frontend", img, {"ports": [{"containerPort": 8080, "protocol": "TCP"}]})], node, roll)
    bad["status"]["phase"] = "Pending"
    for c in bad["status"]["conditions"]:
        if c["type"] in ("Ready", "ContainersReady"):
            c.update({"message": "containers with unready status: [frontend]", "reason": "ContainersNotReady",
                      "status": "False", "lastTransitionTime": iso(roll)})
    bad["status"]["containerStatuses"] = [{"image": img, "imageID": "", "lastState": {}, "name": "frontend",
                                           "ready": False, "restartCount": 0, "started": False,
                                           "state": {"waiting": {"message": 'Back-off pulling image "%s"' % img,
                                                                 "reason": "ImagePullBackOff"}}}]
    pods = [ok, bad]
    wobj(os.path.join(nd, "core", "pods.yaml"), lst(tr, "PodList", pods), lead=True)
    for p in pods:
        n = p["metadata"]["name"]
        wobj(os.path.join(nd, "pods", n, n + ".yaml"), p, lead=True)
    write(os.path.join(nd, "pods", bad["metadata"]["name"], "frontend", "frontend", "logs", "current.log"),
          refusal(bad["metadata"]["name"], "frontend"))
    write(os.path.join(nd, "pods", ok["metadata"]["name"], "frontend", "frontend", "logs", "current.log"),
          "".join('%s INFO  [http] GET /api/cart 200 %dms\n' % (iso(plus(i0, -600 + 37 * k)), 3 + k % 7)
                  for k in range(12)))
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"annotations": {"deployment.kubernetes.io/revision": "4"}, "creationTimestamp": iso(plus(nsc, 120)),
                        "generation": 4, "labels": {"app": "frontend"}, "name": "frontend", "namespace": ns,
                        "resourceVersion": tr.rvs(), "uid": dep_uid},
           "spec": {"progressDeadlineSeconds": 600, "replicas": 1, "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": {"app": "frontend"}},
                    "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
                    "template": {"metadata": {"labels": {"app": "frontend"}},
                                 "spec": {"containers": [{"image": img, "imagePullPolicy": "IfNotPresent",
                                                          "name": "frontend",
                                                          "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                                                          "resources": {}}],
                                          "restartPolicy": "Always"}}},
           "status": {"availableReplicas": 1, "conditions": [
               {"lastTransitionTime": iso(plus(nsc, 200)), "lastUpdateTime": iso(plus(nsc, 200)),
                "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable",
                "status": "True", "type": "Available"},
               {"lastTransitionTime": iso(plus(roll, 601)), "lastUpdateTime": iso(plus(roll, 601)),
                "message": 'ReplicaSet "frontend-6b9f8d7c5d" has timed out progressing.',
                "reason": "ProgressDeadlineExceeded", "status": "False", "type": "Progressing"}],
               "observedGeneration": 4, "readyReplicas": 1, "replicas": 2, "unavailableReplicas": 1,
               "updatedReplicas": 1}}
    wobj(os.path.join(nd, "apps", "deployments.yaml"), lst(tr, "DeploymentList", [dep]), lead=True)
    wobj(os.path.join(nd, "core", "persistentvolumeclaims.yaml"), lst(tr, "PersistentVolumeClaimList", []), lead=True)
    evs = pull_events(tr, ns, bad, img, node, roll, i0,
                      "rpc error: code = Unknown desc = reading manifest v2.3.1-typo in quay.io/acme/shop-frontend: "
                      "manifest unknown: manifest unknown")
    evs = [e for e in evs if e["reason"] != "AddedInterface"]
    evs.insert(0, event(tr, ns, {"apiVersion": "apps/v1", "kind": "Deployment", "name": "frontend", "uid": dep_uid},
                        "ScalingReplicaSet", "Scaled up replica set frontend-6b9f8d7c5d to 1", "Normal", roll, roll, 1,
                        "deployment-controller"))
    wobj(os.path.join(nd, "core", "events.yaml"), lst(tr, "EventList", evs), lead=True)
    return f, bad


def fx_unschedulable(base):
    out = os.path.join(base, "Tests", "Fixtures", "mtc-1.7-stuck-unschedulable")
    reset(out)
    msg = ("0/6 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/master: }, "
           "3 node(s) didn't match Pod's node affinity/selector.")
    names = dict(mig="e8b3f6a1-4c27-4d9e-b05a-1f7c3e9a2d64", mig_uid="63a9e2c7-8f14-4b5d-a7e0-c4d1b8f2e359",
                 plan_uid="a4c7e1b9-3f62-4d08-9b5e-2e8d6a1c7f43", stage_pod="stage-postgresql-x7k2p")
    app = dict(ns="inventory", plan="inventory-plan", pvc="postgresql-data", workload="postgresql",
               ownerType="Deployment")
    f = scenario_17(out, 8804, day="2026-11-22", kind="stuck", nested=False, src_bad=False, src_override=False,
                    names=names, app=app, unschedulable=msg, gather_end=T("2026-11-22T12:16:40Z"))
    tr, M, P = f["tr"], f["M"], f["P"]
    ns = "inventory"
    root = os.path.join(out, "inspect.local.3318")
    i0, i1 = T("2026-11-22T12:09:02Z"), T("2026-11-22T12:09:05Z")
    write(os.path.join(root, "timestamp"), golines(i0, i1, 402117731, 813004519, 0.051, offset_h=1, tzname="CET"))
    write(os.path.join(root, "event-filter.html"), EVENT_FILTER)
    nd = os.path.join(root, "namespaces", ns)
    nsc = T("2026-09-14T08:21:13Z")
    wobj(os.path.join(nd, ns + ".yaml"), app_namespace(tr, ns, nsc), lead=True)
    sp = stage_pod(tr, names["stage_pod"], ns, M, P, good_stage("1.7"), plus(M["spc_at"], -2), None,
                   "postgresql-data", "/var/lib/pgsql/data", unschedulable=msg, node_selector={"disktype": "ssd"})
    wobj(os.path.join(nd, "core", "pods.yaml"), lst(tr, "PodList", [sp]), lead=True)
    n = sp["metadata"]["name"]
    wobj(os.path.join(nd, "pods", n, n + ".yaml"), sp, lead=True)
    wobj(os.path.join(nd, "core", "persistentvolumeclaims.yaml"),
         lst(tr, "PersistentVolumeClaimList", [pvc(tr, "postgresql-data", ns, plus(nsc, 90), P["pv"], "20Gi")]),
         lead=True)
    dep_uid = tr.uid()
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"annotations": {"deployment.kubernetes.io/revision": "2",
                                        "migration.openshift.io/preQuiesceReplicas": "1"},
                        "creationTimestamp": iso(plus(nsc, 90)), "generation": 5, "labels": {"app": "postgresql"},
                        "name": "postgresql", "namespace": ns, "resourceVersion": tr.rvs(), "uid": dep_uid},
           "spec": {"progressDeadlineSeconds": 600, "replicas": 0, "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": {"app": "postgresql"}}, "strategy": {"type": "Recreate"},
                    "template": {"metadata": {"labels": {"app": "postgresql"}},
                                 "spec": {"containers": [{"image": "registry.redhat.io/rhel9/postgresql-15:1-54",
                                                          "imagePullPolicy": "IfNotPresent", "name": "postgresql",
                                                          "ports": [{"containerPort": 5432, "protocol": "TCP"}],
                                                          "resources": {},
                                                          "volumeMounts": [{"mountPath": "/var/lib/pgsql/data",
                                                                            "name": "data"}]}],
                                          "nodeSelector": {"disktype": "ssd"}, "restartPolicy": "Always",
                                          "volumes": [{"name": "data", "persistentVolumeClaim": {
                                              "claimName": "postgresql-data"}}]}}},
           "status": {"conditions": [
               {"lastTransitionTime": iso(f["quiesce_done"]), "lastUpdateTime": iso(f["quiesce_done"]),
                "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable",
                "status": "True", "type": "Available"},
               {"lastTransitionTime": iso(plus(nsc, 95)), "lastUpdateTime": iso(plus(nsc, 400)),
                "message": 'ReplicaSet "postgresql-7c9d5b8f6" has successfully progressed.',
                "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"}],
               "observedGeneration": 5}}
    wobj(os.path.join(nd, "apps", "deployments.yaml"), lst(tr, "DeploymentList", [dep]), lead=True)
    o = {"kind": "Pod", "name": n, "uid": sp["metadata"]["uid"], "rv": sp["metadata"]["resourceVersion"]}
    qt = plus(M["backup_done"], 1)
    evs = [event(tr, ns, {"apiVersion": "apps/v1", "kind": "Deployment", "name": "postgresql", "uid": dep_uid},
                 "ScalingReplicaSet", "Scaled down replica set postgresql-7c9d5b8f6 to 0 from 1", "Normal", qt, qt, 1,
                 "deployment-controller"),
           event(tr, ns, o, "FailedScheduling", msg, "Warning", plus(M["spc_at"], -1), plus(i0, -41), 38,
                 "default-scheduler")]
    wobj(os.path.join(nd, "core", "events.yaml"), lst(tr, "EventList", evs), lead=True)
    return f


def fx_recent(base):
    out = os.path.join(base, "Tests", "Fixtures", "mtc-1.7-stuck-recent")
    reset(out)
    names = dict(mig="1f6d9b3e-8a42-4c7f-b6e1-5d0a2c8f4b97", mig_uid="c8e4a2f6-1b93-4d7e-8a05-9f3b6d1c2e84",
                 plan_uid="7e1a5c9f-2d84-4b36-a0e7-4c8f2b6d9a15", stage_pod="stage-mssql-deployment-1-z5m8t-c4vbn",
                 override_at=T("2026-11-23T07:02:44Z"))
    spc = T("2026-11-23T09:29:47Z")
    return scenario_17(out, 8805, day="2026-11-23", kind="stuck", nested=False, names=names,
                       gather_end=plus(spc, 240), spc_offset=spc)


def fx_config_missing(base):
    out = os.path.join(base, "Tests", "Fixtures", "mtc-1.7-config-missing")
    reset(out)
    names = dict(mig="4d8a2e6c-3f91-4b5e-9c07-8a1e5d3b7f20", mig_uid="f1b5d9e3-6c28-4a74-b8e0-2d7c4a9f5e31",
                 plan_uid="3e9c7a1d-5b46-4f82-a1d3-6f0b8e4c2a97", stage_pod="stage-mssql-deployment-1-l9sp2-9tkfm")
    return scenario_17(out, 8806, day="2026-11-24", kind="stuck", nested=False, names=names,
                       source_login_error=True, gather_end=T("2026-11-24T12:40:18Z"))


# ---------------------------------------------------------------- old layouts (1.4.1, 1.3)


def old_scenario(base, ver):
    if ver == "1.4.1":
        out = os.path.join(base, "Tests", "Fixtures", "mtc-1.4.1-stage-image-stuck")
        seed, day, src = 8807, "2026-11-25", "source-cluster"
        names = dict(mig="6b3e9d1a-2f75-4c8b-a4e6-0d9c3f7b1e52", mig_uid="8f2a6c4e-9d13-4b7f-a5e8-1c6d3b9e2f70",
                     plan_uid="2d7b5f9a-4c18-4e63-8b0d-9a3f1e7c5d26", stage_pod="stage-mssql-deployment-1-t7n4q-8xw2k",
                     app_pod="mssql-deployment-1-t7n4q")
    else:
        out = os.path.join(base, "Tests", "Fixtures", "mtc-1.3-stage-image-stuck")
        seed, day, src = 8808, "2026-11-26", "ocp3-source"
        names = dict(mig="0c5f8b2d-7e39-4a61-9d4b-3e8a1f6c0b75", mig_uid="5d9f3b7a-1e64-4c28-b0a5-7f2e9c4d6a13",
                     plan_uid="9b4d1f6e-8a27-4c53-a3e9-5c0f7d2b8e46", stage_pod="stage-mssql-deployment-1-h3c9j-5kq7m",
                     app_pod="mssql-deployment-1-h3c9j")
    reset(out)
    tr = Tree(seed)
    typed = False
    d = T(day + "T00:00:00Z")
    t_inst = plus(d, -86400 * 5 + 3600 * 10)
    gend = plus(d, h=14, m=2, s=51)
    gstart = plus(gend, -140)
    P = {"name": "mssql-persistent-plan", "uid": names["plan_uid"], "created": plus(d, h=8, m=3, s=10),
         "ns": "mssql-persistent", "pvc": "mssql-pvc", "pv": "pvc-" + tr.uid(), "src": src}
    M = {"name": names["mig"], "uid": names["mig_uid"], "created": plus(d, h=8, m=20, s=44), "kind": "stuck"}
    M["initial_backup"] = "%s-initial-%s" % (M["name"], tr.sfx()) if ver != "1.3" else "%s-%s" % (M["name"], tr.sfx())
    M["backup_done"] = plus(M["created"], 171)
    M["spc_at"] = plus(M["backup_done"], 9)
    ns = P["ns"]
    sp = names["stage_pod"]
    tot, spc = VER[ver]["final_total"], VER[ver]["spc"]
    if ver != "1.3":
        M["progress"] = ['Pod %s/%s: Container sleep-0 Back-off pulling image "%s"' % (ns, sp, INVALID)]
    mg = os.path.join(out, "must-gather")
    # controller log, older text-ish JSON
    suffix = tr.sfx()
    lg = "migration|" + suffix
    log = Log(lg)

    def run(t, phase, stage=False):
        log.add(t, "[RUN]", migration=M["name"], stage=stage, phase=phase)

    log.add(plus(t_inst, 30), "Starting the Cmd.", logger="entrypoint")
    log.add(plus(P["created"], 2), "Reconcile", logger="plan|" + tr.sfx(), migPlan=P["name"])
    phases13 = ["Created", "Started", "Prepare", "EnsureCloudSecretPropagated", "PreBackupHooks",
                "EnsureInitialBackup", "InitialBackupCreated"]
    phases14 = ["Created", "Started", "Prepare", "CreateRegistries", "EnsureCloudSecretPropagated",
                "PreBackupHooks", "EnsureInitialBackup", "InitialBackupCreated"]
    for i, ph in enumerate(phases13 if ver == "1.3" else phases14):
        run(plus(M["created"], i * 6), ph)
    run(plus(M["created"], 90), "InitialBackupCreated")
    for i, ph in enumerate(["EnsureStagePodsFromRunning", "EnsureStagePodsFromTemplates",
                            "EnsureStagePodsFromOrphanedPVCs"]):
        run(plus(M["backup_done"], 2 + i * 2), ph)
    t = M["spc_at"]
    k = 0
    while t < plus(gend, -60):
        run(t, "StagePodsCreated")
        if k % 3 == 2:
            log.add(plus(t, 4), "Reconcile", logger="plan|" + tr.sfx(), migPlan=P["name"])
            log.add(plus(t, 5), "Reconcile", logger="cluster|" + tr.sfx(), migCluster=src)
        t = plus(t, m=23, s=7)
        k += 1
    mo = {"apiVersion": MIG_API, "kind": "MigMigration", "name": M["name"], "uid": M["uid"]}
    evs = [event(tr, "openshift-migration", mo, "Running", "Step: %d/%d" % (spc, tot), "Normal", M["spc_at"],
                 plus(gstart, 4), 1400 + tr.rng.randint(0, 900), "migmigration_controller")]
    host_crs = [("migclusters.migration.openshift.io", migcluster(tr, "host", True, plus(t_inst, 300))),
                ("migclusters.migration.openshift.io",
                 migcluster(tr, src, False, plus(t_inst, 900),
                            url="https://master.ocp3.example.com:8443" if ver == "1.3" else None)),
                ("migstorages.migration.openshift.io", migstorage(tr, plus(t_inst, 1200)))]
    mm = migmigration(tr, M, P, ver)
    mp = migplan(tr, P, ver)
    if ver == "1.3":
        host_crs += [("migplans.migration.openshift.io", mp), ("migmigrations.migration.openshift.io", mm)]
    write_mtc_cluster(tr, os.path.join(mg, "host"), "host", ver, True, good_stage(ver), None, t_inst,
                      plus(gstart, 10), plus(gstart, 33), evs, log.text(), host_crs,
                      subdomain="apps.target.example.com", typed=typed)
    src_crs = [("backups.velero.io", velero_backup(tr, M["initial_backup"], M, P, plus(M["created"], 37),
                                                   M["backup_done"]))]
    ov = plus(P["created"], -3000) if ver != "1.3" else None
    write_mtc_cluster(tr, os.path.join(mg, src), src, ver, False, INVALID, ov, plus(t_inst, 1800),
                      plus(gstart, 40), plus(gend, -6), [], None, src_crs, subdomain="apps.source.example.com",
                      typed=typed)
    if ver == "1.3":
        # 1.3: the breakfix edited the ConfigMap directly (no MigrationController override)
        pass
    else:
        pdir = os.path.join(mg, "migplans", "migplan-" + P["name"])
        wobj(os.path.join(pdir, P["name"] + ".yml"), mp)
        wobj(os.path.join(pdir, "migmigration-" + M["name"], "migmigration-%s.yml" % M["name"]), mm)
    return dict(P=P, M=M, gend=plus(gend, -6), stage_pod=sp, src=src, logger=lg)


# ---------------------------------------------------------------- oc error fixture


def fx_oc_error(base):
    out = os.path.join(base, "Tests", "Fixtures", "oc-error-in-yaml")
    reset(out)
    tr = Tree(8809)
    root = os.path.join(out, "inspect.local.3902")
    i0, i1 = T("2026-11-27T10:11:50Z"), T("2026-11-27T10:11:52Z")
    write(os.path.join(root, "timestamp"), golines(i0, i1, 330918274, 1552003, 0.044, offset_h=1, tzname="CET"))
    nd = os.path.join(root, "namespaces", "demo")
    nsc = T("2026-11-02T14:40:07Z")
    wobj(os.path.join(nd, "demo.yaml"), app_namespace(tr, "demo", nsc), lead=True)
    p = running_pod(tr, "hello-7f6c9d8b4-2jxkz", "demo", {"app": "hello", "pod-template-hash": "7f6c9d8b4"},
                    "ReplicaSet", "hello-7f6c9d8b4", tr.uid(),
                    [("hello", "quay.io/openshifttest/hello-openshift:1.2.0", None)],
                    "ip-10-0-155-12.us-east-2.compute.internal", T("2026-11-25T08:00:13Z"))
    wobj(os.path.join(nd, "core", "pods.yaml"), lst(tr, "PodList", [p]), lead=True)
    wobj(os.path.join(nd, "pods", p["metadata"]["name"], p["metadata"]["name"] + ".yaml"), p, lead=True)
    write(os.path.join(nd, "core", "events.yaml"), 'error: the server doesn\'t have a resource type "events"\n')
    write(os.path.join(nd, "core", "configmaps.yaml"), """---
apiVersion: v1
items:
- apiVersion: v1
  data:
    greeting: hello
  kind: ConfigMap
  metadata:
    creationTimestamp: "2026-11-02T14:41:19Z"
    name: hello-config
    name: hello-config-v2
    namespace: demo
    resourceVersion: "48211733"
    uid: 0b7e3f29-8c14-4a6d-9e52-d1f8a3c6b704
kind: ConfigMapList
metadata:
  resourceVersion: "48302915"
""")


# ================================================================ READMEs


def _dur(a, b):
    sec = int((b - a).total_seconds())
    return "%dh%02dm%02ds" % (sec // 3600, sec % 3600 // 60, sec % 60)


def write_readmes(base, F):
    fx = os.path.join(base, "Tests", "Fixtures")
    s, h = F["stuck"], F["healthy"]
    write(os.path.join(base, "Samples", "README.md"), f"""# Sample dumps

Each folder is a dump root as a customer uploads it (after un-tarring the outer archive). Folders named
`X.tar.gz.d/` stand for the tarball `X.tar.gz` (the packer turns them into real tarballs); MTC's gather leaves
`must-gather.tar.gz` in the image folder and its entries start with `must-gather/`.
All files are generated by `Scripts/gen-sample-trees.py` (deterministic); edit the script, not the files.

## stage-image-stuck/

The Red Hat MTC "breakfix" exercise 2 (wrong stage pod image) as support receives it, MTC 1.7.13:

- `must-gather.local.5108/` – `oc adm must-gather --image=quay.io/konveyor/must-gather` run on the host
  (destination) cluster, gather window {iso(s["gstart"])} – **{iso(s["gend"])}** (timestamp file is in CET).
  Inside the tarball: `clusters/host/` (controller, UI, velero, restic, log reader; correct
  `migration-cluster-config`), `clusters/source-cluster/` (no controller; `migration-cluster-config` with
  `STAGE_IMAGE: {INVALID}`, recreated at 07:41:18Z, and `migration_stage_image_fqin: {INVALID}` on
  `migrationcontroller/migration-controller`), and `migplans/migplan-{s["P"]["name"]}/`.
  `core/secrets.yaml` on both clusters holds canary values (`CANARY-SECRET-DO-NOT-PRINT` in base64) that must
  never appear in any output.
- `inspect.local.2471/` – `oc adm inspect ns/mssql-persistent` the customer ran on the source cluster at
  13:25:10Z: stage pod `stage-mssql-deployment-1-l9sp2-9tkfm` Pending / ImagePullBackOff on `{INVALID}` with its
  kubelet events, DeploymentConfig `mssql-deployment` quiesced to 0 (`migration.openshift.io/preQuiesceReplicas: "1"`),
  PVC `mssql-pvc` Bound, application pod gone.

Key facts: plan `{s["P"]["name"]}` (uid `{s["P"]["uid"]}`); migration `{s["M"]["name"]}` (uid `{s["M"]["uid"]}`),
itinerary Final, phase StagePodsCreated since {iso(s["M"]["spc_at"])} (`Running` = `Step: 24/49`); newer migration
`{s["PP"]["name"]}` (uid `{s["PP"]["uid"]}`, created {iso(s["PP"]["created"])}) carries Critical `Postponed`.

What mustard should report:
1. **Root cause (critical)**: the stage pod image on cluster `source-cluster` is wrong –
   `STAGE_IMAGE={INVALID}` in `migration-cluster-config`, set through the MigrationController override
   `spec.migration_stage_image_fqin`; the host's value is the default
   `{good_stage("1.7")}`. Evidence: StageBackup progress line (`Back-off pulling image ...`), controller log
   (`stagePodImage`, `containerWaitingMessage`, abnormal `Failed` event), the stage pod status and events in the inspect.
2. **Stuck migration**: `{s["M"]["name"]}` has been at StagePodsCreated (step 24/49) for
   {_dur(s["M"]["spc_at"], s["gend"])} (~4h20m) at gather time.
3. **Queued migration**: `{s["PP"]["name"]}` is Postponed behind it (it will not start until the stuck one ends).
4. **Fix**: cancel the stuck migration (`oc -n openshift-migration patch migmigration {s["M"]["name"]} --type merge
   -p '{{"spec":{{"canceled":true}}}}'`) and wait for `Canceled`; on `source-cluster` remove the override
   (`oc -n openshift-migration patch migrationcontroller migration-controller --type json
   -p '[{{"op":"remove","path":"/spec/migration_stage_image_fqin"}}]'`), then check
   `oc -n openshift-migration get cm migration-cluster-config -o jsonpath='{{.data.STAGE_IMAGE}}'`; delete leftover
   stage pods; run the migration of the plan again.

## healthy-migration/

Same shape (MTC 1.7.13 gather only, `must-gather.local.7311/…/must-gather.tar.gz.d/`), gather end
**{iso(h["gend"])}**. Plan `{h["P"]["name"]}` (uid `{h["P"]["uid"]}`), migration `{h["M"]["name"]}`
(uid `{h["M"]["uid"]}`) Final / Completed with `Succeeded`, every pipeline step `Completed`; default stage image on both
clusters, no override. Expected: **no findings**.
""")

    def fxr(name, body):
        write(os.path.join(fx, name, "README.md"), body)

    f = F["c_wrong"]
    fxr("mtc-1.7-canceled-image-still-wrong", f"""# mtc-1.7-canceled-image-still-wrong

MTC 1.7.13 gather **with the tarball nesting kept**: `must-gather.local.6650/timestamp` and
`must-gather.local.6650/{MGDIR}/must-gather.tar.gz.d/must-gather/…` (the packer turns the `.tar.gz.d` folder into
`must-gather.tar.gz`). Gather end {iso(f["gend"])}.

- Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) was stuck at
  StagePodsCreated from {iso(f["M"]["spc_at"])}, canceled at {iso(f["M"]["cancel_at"])}: now `itinerary: Cancel`,
  `phase: Completed`, conditions `Canceled` (reason Cancel) + `StagePodsCreated`, `spec.canceled: true`; pipeline
  StageBackup still holds the back-off progress line for `stage-mssql-deployment-1-l9sp2-9tkfm`.
- `clusters/source-cluster`: `migration-cluster-config` still has `STAGE_IMAGE: {INVALID}` and the MigrationController
  still has `migration_stage_image_fqin: {INVALID}`. Host values are correct.
- Host controller log still has the old pull-failure lines (before the cancel) and the cancel steps.
- No postponed migration.

Expected: image finding (wrong STAGE_IMAGE on `source-cluster` via override) at **warning** severity (nothing is
running now, but the next migration will get stuck again); **no** stuck-migration finding.
""")
    f = F["c_ok"]
    fxr("mtc-1.7-canceled-image-restored", f"""# mtc-1.7-canceled-image-restored

Plain folder starting at `must-gather/` (MTC 1.7.13, 1.4.3+ layout). Gather end {iso(f["gend"])} (= end line of
`must-gather/clusters/source-cluster/timestamp`).

- Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) canceled at
  {iso(f["M"]["cancel_at"])}: `itinerary: Cancel`, `phase: Completed`, `Canceled` + `StagePodsCreated`, and also a
  `Succeeded` condition (mig-controller adds it to canceled runs with no Failed/Warn condition – rules must check
  `Canceled` first). Pipeline StageBackup still shows the old `Back-off pulling image "{INVALID}"` progress line.
- The image was restored on the source: `migration-cluster-config` has the default
  `{good_stage("1.7")}` on both clusters, no `migration_stage_image_fqin` override.
- Host controller log still contains the historic pull-failure lines from before the cancel.

Expected: **no findings** (historic evidence only; current configuration is fine).
""")
    f = F["ordinary"]
    fxr("mtc-1.7-ordinary-imagepullbackoff", f"""# mtc-1.7-ordinary-imagepullbackoff

- `must-gather/` (plain, MTC 1.7.13): healthy – plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`), migration
  `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) Completed / `Succeeded`, default images on both clusters, no override.
  Gather end {iso(f["gend"])}.
- `inspect.local.1187/namespaces/shop/` (`oc adm inspect ns/shop`, 16:02:31Z): Deployment `frontend` mid-rollout;
  pod `frontend-6b9f8d7c5d-q7x2m` (no MTC labels) Pending / ImagePullBackOff on
  `quay.io/acme/shop-frontend:v2.3.1-typo` with kubelet events (Pulling, Failed, `Error: ErrImagePull`, BackOff,
  `Error: ImagePullBackOff`); old pod `frontend-5c7d9f6b8-k2m4w` Running.

Expected: **no MTC finding** – the stage-pod image rule must not fire on a non-stage pod (it has no
`migration.openshift.io/is-stage-pod` / `migmigration` labels and the image is not STAGE_IMAGE).
""")
    f = F["unsched"]
    fxr("mtc-1.7-stuck-unschedulable", f"""# mtc-1.7-stuck-unschedulable

- `must-gather/` (plain, MTC 1.7.13), gather end {iso(f["gend"])}. Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`,
  namespace `inventory`, PVC `postgresql-data`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) Final /
  StagePodsCreated since {iso(f["M"]["spc_at"])} ({_dur(f["M"]["spc_at"], f["gend"])}), `Running` = `Step: 24/49`.
  StageBackup has **no** progress lines. Stage images are the default on both clusters, no override. Controller
  log: `stagePodImage` is the default image; "Found abnormal event for Stage Pod" with `eventReason: FailedScheduling`.
- `inspect.local.3318/namespaces/inventory/` (12:09:02Z): stage pod `stage-postgresql-x7k2p` (labels carry the
  migration/plan UIDs) Pending, no node, `PodScheduled=False` reason `Unschedulable`, nodeSelector `disktype: ssd`
  copied from the quiesced Deployment `postgresql`; `FailedScheduling` Warning event from `default-scheduler`:
  "0/6 nodes are available: 3 node(s) had untolerated taint {{node-role.kubernetes.io/master: }}, 3 node(s) didn't
  match Pod's node affinity/selector."

Expected: stuck-migration finding whose likely cause is the unschedulable stage pod; **no** image finding.
""")
    f = F["recent"]
    fxr("mtc-1.7-stuck-recent", f"""# mtc-1.7-stuck-recent

Plain `must-gather/` (MTC 1.7.13). Same bad-image scenario as the seed sample (source `migration-cluster-config`
`STAGE_IMAGE: {INVALID}` + MigrationController override; host correct), but the migration reached StagePodsCreated
only 4 minutes before the gather ended.

- Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`),
  StagePodsCreated at {iso(f["M"]["spc_at"])}, gather end {iso(f["gend"])} (end line of
  `clusters/source-cluster/timestamp`), i.e. {_dur(f["M"]["spc_at"], f["gend"])}.
- StageBackup progress: `Pod mssql-persistent/stage-mssql-deployment-1-z5m8t-c4vbn: Container sleep-0 Back-off pulling image "{INVALID}"`.

Expected: image finding at **critical** severity (stage pods cannot pull right now); **no** stuck finding with the
default 30-minute threshold (a stuck finding appears only with a threshold under 4 minutes).
""")
    f = F["missing"]
    fxr("mtc-1.7-config-missing", f"""# mtc-1.7-config-missing

Plain `must-gather/` (MTC 1.7.13). Like the seed case (no postponed migration), but the gather could not log in to
the source cluster: `must-gather/clusters/source-cluster/` holds only `login_error.txt`
(`error: You must be logged in to the server (Unauthorized)`). So the source `migration-cluster-config` and
MigrationController are not in the dump.

- Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) stuck at
  StagePodsCreated since {iso(f["M"]["spc_at"])}; gather end {iso(f["gend"])} (host timestamp).
- StageBackup progress and the host controller log still show `Back-off pulling image "{INVALID}"` for
  `mssql-persistent/stage-mssql-deployment-1-l9sp2-9tkfm`.

Expected: image finding based on the pipeline/log evidence that says the source cluster's configuration could not be
checked (`login_error.txt`); stuck finding ({_dur(f["M"]["spc_at"], f["gend"])}).
""")
    f = F["v141"]
    fxr("mtc-1.4.1-stage-image-stuck", f"""# mtc-1.4.1-stage-image-stuck

MTC 1.4.0–1.4.2 layout: per-cluster roots `must-gather/host/` and `must-gather/source-cluster/` (**no** `clusters/`
level) plus `must-gather/migplans/`. Lists are written as `kind: List` with `resourceVersion: ""`.

- Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) Final /
  StagePodsCreated since {iso(f["M"]["spc_at"])}, `Running` = `Step: 23/47`; StageBackup progress
  `Pod mssql-persistent/{f["stage_pod"]}: Container sleep-0 Back-off pulling image "{INVALID}"`.
- Source `migration-cluster-config` (1.4 keys, siblings tagged `release-1.4.1`) has `STAGE_IMAGE: {INVALID}`;
  source MigrationController has the override. Host is correct.
- Controller log is the pre-1.4.3 style (`"logger":"{f["logger"]}"`, `"msg":"[RUN]"`, `migration`, `phase`), no
  structured stage-pod lines.
- Gather end {iso(f["gend"])} (end line of `must-gather/source-cluster/timestamp`).

Expected: image finding (critical) naming `source-cluster` and the override; stuck finding
({_dur(f["M"]["spc_at"], f["gend"])}).
""")
    f = F["v13"]
    fxr("mtc-1.3-stage-image-stuck", f"""# mtc-1.3-stage-image-stuck

MTC 1.3 layout: `must-gather/<cluster>/namespaces/openshift-migration/crs/<resource>/<name>.yaml` for **all** CRs,
including `migplans.migration.openshift.io/` and `migmigrations.migration.openshift.io/` (host only); no
`migplans/` tree. Clusters `host` (destination, runs the controller) and `ocp3-source` (OCP 3.11 source,
`https://master.ocp3.example.com:8443`). Lists are `kind: List`.

- Plan `{f["P"]["name"]}` (uid `{f["P"]["uid"]}`); migration `{f["M"]["name"]}` (uid `{f["M"]["uid"]}`) Final /
  StagePodsCreated since {iso(f["M"]["spc_at"])}, `Running` = `Step: 11/32`, **no** `pipeline` in status.
- `ocp3-source` `migration-cluster-config` has only `STAGE_IMAGE: {INVALID}` and
  `REGISTRY_IMAGE: quay.io/konveyor/registry:release-1.3.2`; no MigrationController override (the 2020 breakfix
  edited the ConfigMap directly). Host has `{good_stage("1.3")}`.
- Controller log: `{{"logger":"{f["logger"]}","msg":"[RUN]","migration":...,"stage":false,"phase":"StagePodsCreated"}}`,
  no stage-pod event lines.
- Gather end {iso(f["gend"])} (end line of `must-gather/ocp3-source/timestamp`).

Expected: stuck finding ({_dur(f["M"]["spc_at"], f["gend"])}) + image finding from the ConfigMap comparison only
(weaker evidence: no progress lines, no pod status).
""")
    fxr("oc-error-in-yaml", """# oc-error-in-yaml

`inspect.local.3902/` = a small `oc adm inspect ns/demo` tree (gather end 2026-11-27T10:11:52Z):

- `namespaces/demo/core/events.yaml` holds only `oc`'s error text
  (`error: the server doesn't have a resource type "events"`), not YAML objects.
- `namespaces/demo/core/configmaps.yaml` is a ConfigMapList whose item has `name:` twice inside `metadata`
  (duplicate mapping key).
- `namespaces/demo/core/pods.yaml` (+ `pods/hello-7f6c9d8b4-2jxkz/…`) holds one healthy Running pod.

Expected: two load issues naming `core/events.yaml` and `core/configmaps.yaml`; the rest (namespace, pod) is loaded
and analysed; no findings.
""")
    # Tests/Fixtures/README.md indexes the fixtures of every generator and is kept by hand: not rewritten here.


# ================================================================ main


def main():
    facts = {}
    facts["stuck"] = sample_stuck(ROOT)
    facts["healthy"] = sample_healthy(ROOT)
    facts["c_wrong"] = fx_canceled(ROOT, False)
    facts["c_ok"] = fx_canceled(ROOT, True)
    facts["ordinary"], bad = fx_ordinary(ROOT)
    facts["unsched"] = fx_unschedulable(ROOT)
    facts["recent"] = fx_recent(ROOT)
    facts["missing"] = fx_config_missing(ROOT)
    facts["v141"] = old_scenario(ROOT, "1.4.1")
    facts["v13"] = old_scenario(ROOT, "1.3")
    fx_oc_error(ROOT)
    write_readmes(ROOT, facts)
    for k, f in facts.items():
        M, P = f["M"], f["P"]
        print("%-9s plan=%s(%s) mig=%s(%s) kind=%s spc_at=%s gend=%s" % (
            k, P["name"], P["uid"], M["name"], M["uid"], M["kind"], iso(M.get("spc_at")) if M.get("spc_at") else "-",
            iso(f["gend"])))


if __name__ == "__main__":
    main()
