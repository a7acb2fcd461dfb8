#!/usr/bin/env python3
"""Generate a synthetic, realistic OpenShift must-gather for the benchmark (`make bench`).

    generate.py --size 1G --seed 42 --out .build-bench

writes .build-bench/mg-1G-seed42.tar.gz and .tar.xz plus a stamp file (.json). The same seed,
size and generator give the same tar stream, so a stamp that matches means the archives are reused.

Shape (see docs/performance.md and the real dumps in Tests/RealData):
  must-gather.local.<N>/timestamp
  must-gather.local.<N>/quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-<hex>/
      version, timestamp, event-filter.html, cluster-scoped-resources/...
      namespaces/<ns>/<ns>.yaml, core/{pods,events,configmaps,services,secrets}.yaml,
      apps/deployments.yaml, pods/<pod>/<pod>.yaml, pods/<pod>/<c>/<c>/logs/current.log
  must-gather.local.<N>/quay-io-konveyor-must-gather-sha256-<hex>/must-gather.tar.gz   (MTC, nested)
Pods are about 7 KB, ~3% CrashLoopBackOff and ~1.5% ImagePullBackOff; logs are most of the bytes;
Secret values are fake ("NNN bytes long", as must-gather-clean leaves them). The MTC part copies the
static objects of Samples/healthy-migration and scales plans, migrations and the controller log.

Stdlib only. The tar stream is written once and piped to gzip (pigz when present) and xz at the
same time, so memory stays small and the compressors run while Python generates.
"""
import argparse
import hashlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tarfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MTC_SAMPLE = os.path.join(REPO, "Samples", "healthy-migration")
GATHER_EPOCH = 1794990000  # 2026-11-18T09:00:00Z, close to the MTC sample's dates
MTIME = GATHER_EPOCH
SIZES = {"K": 10**3, "M": 10**6, "G": 10**9}
K8S_ALNUM = "bcdfghjklmnpqrstvwxz2456789"


def parse_size(text):
    text = text.strip().upper().rstrip("B")
    if text and text[-1] in SIZES:
        return int(float(text[:-1]) * SIZES[text[-1]])
    return int(text)


def generator_version():
    """Changes whenever this script or the MTC sample it copies changes (invalidates the cache)."""
    h = hashlib.sha256(open(__file__, "rb").read())
    for root, _dirs, files in sorted(os.walk(MTC_SAMPLE)):
        for f in sorted(files):
            if not f.endswith(".tar.gz"):
                h.update(open(os.path.join(root, f), "rb").read())
    return h.hexdigest()[:16]


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def go_time(epoch, nanos, mono):
    """Go's time.Time String(), as oc writes into `timestamp`."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch)) + f".{nanos:09d} +0000 UTC m=+{mono:.9f}"


class Rand(random.Random):
    def uid(self):
        b = self.getrandbits(128)
        s = f"{b:032x}"
        return f"{s[:8]}-{s[8:12]}-4{s[13:16]}-a{s[17:20]}-{s[20:]}"

    def hex(self, n):
        return f"{self.getrandbits(4 * n):0{n}x}"

    def k8s(self, n):
        return "".join(self.choice(K8S_ALNUM) for _ in range(n))

    def ip(self, net="10.128"):
        return f"{net}.{self.randrange(0, 4)}.{self.randrange(2, 250)}"


# --------------------------------------------------------------------------------------------
# Tar writing: a tee into the compressors, directory entries made on the way.

class Tee:
    def __init__(self, sinks):
        self.sinks = sinks
        self.count = 0

    def write(self, data):
        for s in self.sinks:
            s.write(data)
        self.count += len(data)
        return len(data)

    def flush(self):
        pass


class DumpWriter:
    def __init__(self, fileobj):
        self.tar = tarfile.open(fileobj=fileobj, mode="w|", format=tarfile.GNU_FORMAT)
        self.dirs = set()
        self.files = 0
        self.content = 0

    def _dir(self, path):
        if not path or path in self.dirs:
            return
        self._dir(os.path.dirname(path))
        self.dirs.add(path)
        info = tarfile.TarInfo(path + "/")
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, MTIME
        self.tar.addfile(info)

    def add(self, path, data, mode=0o644):
        if isinstance(data, str):
            data = data.encode()
        self._dir(os.path.dirname(path))
        info = tarfile.TarInfo(path)
        info.size, info.mode, info.mtime = len(data), mode, MTIME
        self.tar.addfile(info, io.BytesIO(data))
        self.files += 1
        self.content += len(data)

    def add_file(self, path, disk_path):
        self._dir(os.path.dirname(path))
        info = tarfile.TarInfo(path)
        info.size, info.mode, info.mtime = os.path.getsize(disk_path), 0o644, MTIME
        with open(disk_path, "rb") as f:
            self.tar.addfile(info, f)
        self.files += 1
        self.content += info.size

    def close(self):
        self.tar.close()


def as_list(kind, docs, rv):
    """oc-style `List` (keys sorted: apiVersion, items, kind, metadata) from single-object docs."""
    out = ["---\napiVersion: v1\n"]
    if docs:
        out.append("items:\n")
        for d in docs:
            out.append("- " + d[:-1].replace("\n", "\n  ") + "\n")
    else:
        out.append("items: []\n")
    out.append(f'kind: {kind}\nmetadata:\n  resourceVersion: "{rv}"\n')
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Logs. Lines are built from per-file pools of messages with a moving timestamp and a random
# number in each, so they compress about like real ones (gzip ~8x, xz ~12x).

KLOG_SOURCES = ["controller.go", "reflector.go", "leaderelection.go", "event.go", "shared_informer.go",
                "round_trippers.go", "reconciler.go", "status.go", "sync.go", "handler.go", "cache.go"]
KLOG_MSGS = [
    'Reconciling {kind} "{ns}/{obj}"', 'Successfully synced "{ns}/{obj}"',
    'Watch close - *v1.{kind} total {n} items received', 'lock is held by {obj}_{uid} and has not yet expired',
    'Event(v1.ObjectReference{{Kind:"{kind}", Namespace:"{ns}", Name:"{obj}", UID:"{uid}"}}): type: \'Normal\' reason: \'Updated\' updated {kind}',
    'GET https://172.30.0.1:443/api/v1/namespaces/{ns}/{kindl}s/{obj} 200 OK in {n} milliseconds',
    'error syncing "{ns}/{obj}": Operation cannot be fulfilled on {kindl}s "{obj}": the object has been modified; please apply your changes to the latest version and try again',
    'Starting reflector *v1.{kind} (10m0s) from k8s.io/client-go/informers/factory.go:134',
    'Caches populated for *v1.{kind} from k8s.io/client-go/informers/factory.go:134',
    'updated status of {kind} {obj}: Available=True Progressing=False Degraded=False',
]
APP_MSGS = [
    '{ip} - - "GET /api/v1/items/{n} HTTP/1.1" 200 {n} "-" "kube-probe/1.25"',
    '{ip} - - "POST /api/v1/orders HTTP/1.1" 201 {n} "-" "python-requests/2.28.1"',
    'INFO  [{obj}] c.e.app.service.OrderService - processed order id={uid} in {n} ms',
    'WARN  [{obj}] c.e.app.db.Pool - connection pool at {n}% capacity',
    'ERROR [{obj}] c.e.app.client.Http - request to http://{obj}.{ns}.svc:8080 failed: connect timed out after {n} ms',
    'DEBUG [{obj}] o.h.SQL - select o1_0.id,o1_0.status from orders o1_0 where o1_0.customer_id=? /* {uid} */',
]
JSON_MSGS = [
    '{{"level":"info","ts":"{iso}","logger":"{obj}","msg":"request completed","method":"GET","path":"/healthz","status":200,"latency_ms":{n}}}',
    '{{"level":"info","ts":"{iso}","logger":"{obj}","msg":"message consumed","topic":"{ns}-events","partition":{p},"offset":{n}}}',
    '{{"level":"error","ts":"{iso}","logger":"{obj}","msg":"upstream error","error":"context deadline exceeded","request_id":"{uid}"}}',
    '{{"level":"debug","ts":"{iso}","logger":"{obj}","msg":"cache refresh","entries":{n},"namespace":"{ns}"}}',
]
KINDS = ["Pod", "ConfigMap", "Secret", "Deployment", "Service", "Endpoints", "Node", "Lease", "ClusterOperator"]


def make_log(rnd, size, flavor, ns, names, start):
    """A container log of about `size` bytes, `oc logs --timestamps` style."""
    pool = []
    templates = {"klog": KLOG_MSGS, "app": APP_MSGS, "json": JSON_MSGS}[flavor]
    for _ in range(40):
        kind = rnd.choice(KINDS)
        pool.append((rnd.choice("IIIIIIIWWE"), f"{rnd.choice(KLOG_SOURCES)}:{rnd.randrange(40, 900)}",
                     rnd.choice(templates).replace("{kind}", kind).replace("{kindl}", kind.lower())
                     .replace("{ns}", ns).replace("{obj}", rnd.choice(names)).replace("{uid}", rnd.uid())
                     .replace("{ip}", rnd.ip("10.131")).replace("{p}", str(rnd.randrange(12)))))
    out, total, t = [], 0, float(start)
    sec, prefix, klog_prefix, iso_s = -1, "", "", ""
    choice, rand, randrange = rnd.choice, rnd.random, rnd.randrange
    while total < size:
        t += rand() * rand() * 4
        s = int(t)
        if s != sec:
            sec = s
            g = time.gmtime(s)
            prefix = time.strftime("%Y-%m-%dT%H:%M:%S", g)
            klog_prefix = time.strftime("%m%d %H:%M:%S", g)
            iso_s = prefix
        frac = int((t - s) * 1e9)
        level, src, msg = choice(pool)
        if "{n}" in msg:
            msg = msg.replace("{n}", str(randrange(1, 5000)), 1)
        if flavor == "klog":
            line = f"{prefix}.{frac:09d}Z {level}{klog_prefix}.{frac // 1000:06d}       1 {src}] {msg}\n"
        elif flavor == "json":
            line = f"{prefix}.{frac:09d}Z {msg.replace('{iso}', f'{iso_s}.{frac // 1000000:03d}Z')}\n"
        else:
            line = f"{prefix}.{frac:09d}Z {msg}\n"
        out.append(line)
        total += len(line)
    return "".join(out)


def log_size(rnd, scale):
    """Lognormal: median ~9 KB, mean ~30 KB, a few multi-MB logs; capped at 48 MB."""
    return min(48_000_000, int(math.exp(rnd.gauss(9.1, 1.55)) * scale))


# --------------------------------------------------------------------------------------------
# Namespaced objects (templates written with keys in sorted order, as oc prints them)

OPENSHIFT_NAMESPACES = [
    "openshift-apiserver", "openshift-apiserver-operator", "openshift-authentication", "openshift-authentication-operator",
    "openshift-cloud-credential-operator", "openshift-cluster-machine-approver", "openshift-cluster-node-tuning-operator",
    "openshift-cluster-samples-operator", "openshift-cluster-storage-operator", "openshift-cluster-version",
    "openshift-config-operator", "openshift-console", "openshift-console-operator", "openshift-controller-manager",
    "openshift-controller-manager-operator", "openshift-dns", "openshift-dns-operator", "openshift-etcd",
    "openshift-etcd-operator", "openshift-image-registry", "openshift-ingress", "openshift-ingress-canary",
    "openshift-ingress-operator", "openshift-insights", "openshift-kube-apiserver", "openshift-kube-apiserver-operator",
    "openshift-kube-controller-manager", "openshift-kube-controller-manager-operator", "openshift-kube-scheduler",
    "openshift-kube-scheduler-operator", "openshift-kube-storage-version-migrator", "openshift-machine-api",
    "openshift-machine-config-operator", "openshift-marketplace", "openshift-monitoring", "openshift-multus",
    "openshift-network-diagnostics", "openshift-network-operator", "openshift-oauth-apiserver",
    "openshift-operator-lifecycle-manager", "openshift-ovn-kubernetes", "openshift-service-ca",
    "openshift-service-ca-operator",
]
WORDS = ["orders", "billing", "payments", "catalog", "search", "inventory", "shipping", "checkout", "auth", "profile",
         "reports", "ledger", "gateway", "notify", "media", "review", "pricing", "loyalty", "fraud", "analytics"]
TEAMS = ["retail", "core", "data", "web", "mobile", "partner", "ops", "finance", "ml", "edge"]
APP_CONTAINERS = ["app", "server", "worker", "api", "proxy", "sidecar", "oauth-proxy", "envoy", "metrics", "fluent-bit"]
PEM = "-----BEGIN CERTIFICATE-----\n" + "\n".join(
    "MIIDUTCCAjmgAwIBAgIIFAKECERTFAKECERTFAKECERTFAKECERTFAKECERTFAKE"[: 64] for _ in range(18)) + "\n-----END CERTIFICATE-----"


def namespace_doc(rnd, ns, created):
    g = rnd.randrange(1000600000, 1000990000, 10000)
    return (f"apiVersion: v1\nkind: Namespace\nmetadata:\n  annotations:\n    openshift.io/description: \"\"\n"
            f"    openshift.io/display-name: \"\"\n    openshift.io/requester: system:admin\n"
            f"    openshift.io/sa.scc.mcs: s0:c{rnd.randrange(10, 30)},c{rnd.randrange(0, 30)}\n"
            f"    openshift.io/sa.scc.supplemental-groups: {g}/10000\n    openshift.io/sa.scc.uid-range: {g}/10000\n"
            f"  creationTimestamp: \"{iso(created)}\"\n  labels:\n    kubernetes.io/metadata.name: {ns}\n"
            f"    pod-security.kubernetes.io/audit: restricted\n    pod-security.kubernetes.io/warn: restricted\n"
            f"  name: {ns}\n  resourceVersion: \"{rnd.randrange(10**4, 10**8)}\"\n  uid: {rnd.uid()}\n"
            f"spec:\n  finalizers:\n  - kubernetes\nstatus:\n  phase: Active\n")


def network_status(ip, mac):
    return ("|-\n      [{\n          \"name\": \"ovn-kubernetes\",\n          \"interface\": \"eth0\",\n"
            f"          \"ips\": [\n              \"{ip}\"\n          ],\n          \"mac\": \"{mac}\",\n"
            "          \"default\": true,\n          \"dns\": {}\n      }]")


def container_spec(c, image, sa_vol, has_config):
    port = 8080 if c["name"] not in ("proxy", "oauth-proxy", "envoy") else 8443
    scheme = "HTTP" if port == 8080 else "HTTPS"
    mounts = "    - mountPath: /etc/app\n      name: config\n      readOnly: true\n" if has_config else ""
    return (f"  - env:\n    - name: LOG_LEVEL\n      value: info\n    - name: POD_NAME\n      valueFrom:\n        fieldRef:\n"
            f"          apiVersion: v1\n          fieldPath: metadata.name\n    - name: POD_NAMESPACE\n      valueFrom:\n"
            f"        fieldRef:\n          apiVersion: v1\n          fieldPath: metadata.namespace\n"
            f"    image: {image}\n    imagePullPolicy: IfNotPresent\n"
            f"    livenessProbe:\n      failureThreshold: 3\n      httpGet:\n        path: /healthz\n        port: {port}\n"
            f"        scheme: {scheme}\n      initialDelaySeconds: 30\n      periodSeconds: 10\n      successThreshold: 1\n"
            f"      timeoutSeconds: 1\n    name: {c['name']}\n    ports:\n    - containerPort: {port}\n      name: http\n"
            f"      protocol: TCP\n    readinessProbe:\n      failureThreshold: 3\n      httpGet:\n        path: /readyz\n"
            f"        port: {port}\n        scheme: {scheme}\n      periodSeconds: 10\n      successThreshold: 1\n"
            f"      timeoutSeconds: 1\n    resources:\n      limits:\n        cpu: 500m\n        memory: 512Mi\n"
            f"      requests:\n        cpu: {c['cpu']}m\n        memory: {c['mem']}Mi\n    securityContext:\n"
            f"      allowPrivilegeEscalation: false\n      capabilities:\n        drop:\n        - ALL\n"
            f"      runAsNonRoot: true\n      runAsUser: {c['uid']}\n    terminationMessagePath: /dev/termination-log\n"
            f"    terminationMessagePolicy: FallbackToLogsOnError\n    volumeMounts:\n{mounts}"
            f"    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n      name: {sa_vol}\n      readOnly: true\n")


def container_status(c, image, pod, started):
    if c["state"] == "ImagePullBackOff":
        return (f"  - image: {image}\n    imageID: \"\"\n    lastState: {{}}\n    name: {c['name']}\n    ready: false\n"
                f"    restartCount: 0\n    started: false\n    state:\n      waiting:\n"
                f"        message: Back-off pulling image \"{image}\"\n        reason: ImagePullBackOff\n")
    head = (f"  - containerID: cri-o://{c['cid']}\n    image: {image}\n"
            f"    imageID: {image.split('@')[0].rsplit(':', 1)[0]}@sha256:{c['digest']}\n")
    if c["state"] == "CrashLoopBackOff":
        return head + (f"    lastState:\n      terminated:\n        containerID: cri-o://{c['cid2']}\n        exitCode: 1\n"
                       f"        finishedAt: \"{iso(started + 3600)}\"\n        message: |\n"
                       f"          panic: failed to connect to database: dial tcp 172.30.12.4:5432: connect: connection refused\n"
                       f"        reason: Error\n        startedAt: \"{iso(started + 3590)}\"\n    name: {c['name']}\n"
                       f"    ready: false\n    restartCount: {c['restarts']}\n    started: false\n    state:\n      waiting:\n"
                       f"        message: back-off 5m0s restarting failed container={c['name']} pod={pod}_{{}}\n"
                       f"        reason: CrashLoopBackOff\n")
    return head + (f"    lastState: {{}}\n    name: {c['name']}\n    ready: true\n    restartCount: {c['restarts']}\n"
                   f"    started: true\n    state:\n      running:\n        startedAt: \"{iso(started + 20)}\"\n")


def pod_doc(rnd, ns, app, rs_hash, pod, containers, node, created, scc_uid):
    ip, mac = rnd.ip(), "0a:58:" + ":".join(f"{rnd.randrange(256):02x}" for _ in range(4))
    sa_vol = f"kube-api-access-{rnd.k8s(5)}"
    has_config = rnd.random() < 0.7
    images = {c["name"]: f"image-registry.openshift-image-registry.svc:5000/{ns}/{app}-{c['name']}@sha256:{c['digest']}"
              for c in containers}
    bad = [c for c in containers if c["state"] != "running"]
    ready = "False" if bad else "True"
    not_ready = (f"    message: 'containers with unready status: [{' '.join(c['name'] for c in bad)}]'\n"
                 "    reason: ContainersNotReady\n") if bad else ""
    ns_status = network_status(ip, mac)
    doc = (f"apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
           f"    k8s.ovn.org/pod-networks: '{{\"default\":{{\"ip_addresses\":[\"{ip}/23\"],\"mac_address\":\"{mac}\","
           f"\"gateway_ips\":[\"10.128.0.1\"],\"ip_address\":\"{ip}/23\",\"gateway_ip\":\"10.128.0.1\"}}}}'\n"
           f"    k8s.v1.cni.cncf.io/network-status: {ns_status}\n    k8s.v1.cni.cncf.io/networks-status: {ns_status}\n"
           f"    openshift.io/scc: restricted-v2\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
           f"  creationTimestamp: \"{iso(created)}\"\n  generateName: {app}-{rs_hash}-\n  labels:\n"
           f"    app: {app}\n    app.kubernetes.io/component: backend\n    app.kubernetes.io/name: {app}\n"
           f"    app.kubernetes.io/part-of: {ns}\n    deployment: {app}\n    pod-template-hash: {rs_hash}\n"
           f"  name: {pod}\n  namespace: {ns}\n  ownerReferences:\n  - apiVersion: apps/v1\n    blockOwnerDeletion: true\n"
           f"    controller: true\n    kind: ReplicaSet\n    name: {app}-{rs_hash}\n    uid: {rnd.uid()}\n"
           f"  resourceVersion: \"{rnd.randrange(10**6, 10**8)}\"\n  uid: {rnd.uid()}\nspec:\n  containers:\n"
           + "".join(container_spec(c, images[c["name"]], sa_vol, has_config) for c in containers)
           + f"  dnsPolicy: ClusterFirst\n  enableServiceLinks: true\n  imagePullSecrets:\n  - name: default-dockercfg-{rnd.k8s(5)}\n"
           f"  nodeName: {node}\n  preemptionPolicy: PreemptLowerPriority\n  priority: 0\n  restartPolicy: Always\n"
           f"  schedulerName: default-scheduler\n  securityContext:\n    fsGroup: {scc_uid}\n    runAsNonRoot: true\n"
           f"    seLinuxOptions:\n      level: s0:c26,c5\n    seccompProfile:\n      type: RuntimeDefault\n"
           f"  serviceAccount: default\n  serviceAccountName: default\n  terminationGracePeriodSeconds: 30\n  tolerations:\n"
           f"  - effect: NoExecute\n    key: node.kubernetes.io/not-ready\n    operator: Exists\n    tolerationSeconds: 300\n"
           f"  - effect: NoExecute\n    key: node.kubernetes.io/unreachable\n    operator: Exists\n    tolerationSeconds: 300\n"
           f"  - effect: NoSchedule\n    key: node.kubernetes.io/memory-pressure\n    operator: Exists\n  volumes:\n"
           + (f"  - configMap:\n      defaultMode: 420\n      name: {app}-config\n    name: config\n" if has_config else "")
           + f"  - name: {sa_vol}\n    projected:\n      defaultMode: 420\n      sources:\n      - serviceAccountToken:\n"
           f"          expirationSeconds: 3607\n          path: token\n      - configMap:\n          items:\n"
           f"          - key: ca.crt\n            path: ca.crt\n          name: kube-root-ca.crt\n      - downwardAPI:\n"
           f"          items:\n          - fieldRef:\n              apiVersion: v1\n              fieldPath: metadata.namespace\n"
           f"            path: namespace\n      - configMap:\n          items:\n          - key: service-ca.crt\n"
           f"            path: service-ca.crt\n          name: openshift-service-ca.crt\nstatus:\n  conditions:\n"
           f"  - lastProbeTime: null\n    lastTransitionTime: \"{iso(created + 2)}\"\n    status: \"True\"\n    type: Initialized\n"
           f"  - lastProbeTime: null\n    lastTransitionTime: \"{iso(created + 40)}\"\n{not_ready}    status: \"{ready}\"\n    type: Ready\n"
           f"  - lastProbeTime: null\n    lastTransitionTime: \"{iso(created + 40)}\"\n{not_ready}    status: \"{ready}\"\n    type: ContainersReady\n"
           f"  - lastProbeTime: null\n    lastTransitionTime: \"{iso(created)}\"\n    status: \"True\"\n    type: PodScheduled\n"
           f"  containerStatuses:\n"
           + "".join(container_status(c, images[c["name"]], pod, created) for c in containers)
           + f"  hostIP: 10.0.{rnd.randrange(128, 200)}.{rnd.randrange(2, 250)}\n  phase: {'Pending' if any(c['state'] == 'ImagePullBackOff' for c in containers) else 'Running'}\n"
           f"  podIP: {ip}\n  podIPs:\n  - ip: {ip}\n  qosClass: Burstable\n  startTime: \"{iso(created)}\"\n")
    return doc, images


def event_doc(rnd, ns, pod, pod_uid, reason, message, etype, count, first, last, component, field=None):
    fp = f"  fieldPath: spec.containers{{{field}}}\n" if field else ""
    return (f"apiVersion: v1\ncount: {count}\neventTime: null\nfirstTimestamp: \"{iso(first)}\"\ninvolvedObject:\n"
            f"  apiVersion: v1\n{fp}  kind: Pod\n  name: {pod}\n  namespace: {ns}\n  resourceVersion: \"{rnd.randrange(10**6, 10**8)}\"\n"
            f"  uid: {pod_uid}\nkind: Event\nlastTimestamp: \"{iso(last)}\"\nmessage: {message}\nmetadata:\n"
            f"  creationTimestamp: \"{iso(first)}\"\n  name: {pod}.{rnd.hex(16)}\n  namespace: {ns}\n"
            f"  resourceVersion: \"{rnd.randrange(10**6, 10**8)}\"\n  uid: {rnd.uid()}\nreason: {reason}\n"
            f"reportingComponent: \"\"\nreportingInstance: \"\"\nsource:\n  component: {component}\ntype: {etype}\n")


def configmap_doc(rnd, ns, name, data, created):
    return (f"apiVersion: v1\ndata:\n{data}kind: ConfigMap\nmetadata:\n  creationTimestamp: \"{iso(created)}\"\n"
            f"  name: {name}\n  namespace: {ns}\n  resourceVersion: \"{rnd.randrange(10**4, 10**8)}\"\n  uid: {rnd.uid()}\n")


def fake(n):
    """Fake secret value as must-gather-clean writes it: base64 of 'N bytes long'."""
    import base64
    return base64.b64encode(f"{n} bytes long".encode()).decode()


def secret_doc(rnd, ns, name, stype, keys, created, annotations=""):
    data = "".join(f"  {k}: {fake(rnd.randrange(16, 4000))}\n" for k in keys)
    return (f"apiVersion: v1\ndata:\n{data}kind: Secret\nmetadata:\n{annotations}  creationTimestamp: \"{iso(created)}\"\n"
            f"  name: {name}\n  namespace: {ns}\n  resourceVersion: \"{rnd.randrange(10**4, 10**8)}\"\n"
            f"  uid: {rnd.uid()}\ntype: {stype}\n")


def service_doc(rnd, ns, app, created):
    ip = f"172.30.{rnd.randrange(0, 255)}.{rnd.randrange(2, 250)}"
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: \"{iso(created)}\"\n  labels:\n    app: {app}\n"
            f"  name: {app}\n  namespace: {ns}\n  resourceVersion: \"{rnd.randrange(10**4, 10**8)}\"\n  uid: {rnd.uid()}\n"
            f"spec:\n  clusterIP: {ip}\n  clusterIPs:\n  - {ip}\n  internalTrafficPolicy: Cluster\n  ipFamilies:\n  - IPv4\n"
            f"  ipFamilyPolicy: SingleStack\n  ports:\n  - name: http\n    port: 8080\n    protocol: TCP\n    targetPort: 8080\n"
            f"  selector:\n    app: {app}\n  sessionAffinity: None\n  type: ClusterIP\nstatus:\n  loadBalancer: {{}}\n")


def deployment_doc(rnd, ns, app, replicas, ready, containers, images, created):
    cs = "".join(f"      - image: {images[c['name']]}\n        imagePullPolicy: IfNotPresent\n        name: {c['name']}\n"
                 f"        ports:\n        - containerPort: 8080\n          protocol: TCP\n        resources:\n          requests:\n"
                 f"            cpu: {c['cpu']}m\n            memory: {c['mem']}Mi\n        terminationMessagePath: /dev/termination-log\n"
                 f"        terminationMessagePolicy: FallbackToLogsOnError\n" for c in containers)
    avail = "True" if ready == replicas else "False"
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n    deployment.kubernetes.io/revision: \"{rnd.randrange(1, 30)}\"\n"
            f"  creationTimestamp: \"{iso(created)}\"\n  generation: {rnd.randrange(1, 40)}\n  labels:\n    app: {app}\n"
            f"  name: {app}\n  namespace: {ns}\n  resourceVersion: \"{rnd.randrange(10**6, 10**8)}\"\n  uid: {rnd.uid()}\n"
            f"spec:\n  progressDeadlineSeconds: 600\n  replicas: {replicas}\n  revisionHistoryLimit: 10\n  selector:\n"
            f"    matchLabels:\n      app: {app}\n  strategy:\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 25%\n"
            f"    type: RollingUpdate\n  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: {app}\n"
            f"    spec:\n      containers:\n{cs}      dnsPolicy: ClusterFirst\n      restartPolicy: Always\n"
            f"      schedulerName: default-scheduler\n      securityContext: {{}}\n      terminationGracePeriodSeconds: 30\n"
            f"status:\n  availableReplicas: {ready}\n  conditions:\n  - lastTransitionTime: \"{iso(created + 60)}\"\n"
            f"    lastUpdateTime: \"{iso(created + 60)}\"\n    message: Deployment has {'minimum' if avail == 'True' else 'insufficient'} availability.\n"
            f"    reason: MinimumReplicas{'Available' if avail == 'True' else 'Unavailable'}\n    status: \"{avail}\"\n    type: Available\n"
            f"  observedGeneration: 3\n  readyReplicas: {ready}\n  replicas: {replicas}\n  updatedReplicas: {replicas}\n")


def write_namespace(w, rnd, base, ns, nodes, log_scale, failing=0.045):
    """One `oc adm inspect ns/<ns>` tree. Returns the number of pods."""
    created = GATHER_EPOCH - rnd.randrange(86400, 200 * 86400)
    scc_uid = rnd.randrange(1000600000, 1000990000, 10000)
    flavor_default = "klog" if ns.startswith("openshift-") else None
    pods, events, deploys, services, cms = [], [], [], [], []
    logs = []  # (path, size, flavor, names, start)
    n_apps = rnd.randrange(2, 9)
    app_names = []
    for a in range(n_apps):
        app = f"{rnd.choice(WORDS)}-{rnd.choice(['api', 'web', 'worker', 'db', 'cache', 'svc', 'ui', 'sync'])}"
        if app in app_names:
            app = f"{app}-{a}"
        app_names.append(app)
    for app in app_names:
        rs_hash = rnd.k8s(10)
        replicas = rnd.choice([1, 1, 2, 2, 3, 3, 4, 6])
        n_cont = rnd.choice([1, 1, 2, 2, 2, 3])
        cnames = ["app"] + rnd.sample(APP_CONTAINERS[1:], n_cont - 1)
        digests = {c: rnd.hex(64) for c in cnames}
        app_created = created + rnd.randrange(600, 86400)
        ready_count = 0
        images = {}
        for r in range(replicas):
            pod = f"{app}-{rs_hash}-{rnd.k8s(5)}"
            pod_created = GATHER_EPOCH - rnd.randrange(3600, 30 * 86400)
            roll = rnd.random()
            bad_state = "CrashLoopBackOff" if roll < failing * 2 / 3 else "ImagePullBackOff" if roll < failing else None
            bad_idx = rnd.randrange(n_cont) if bad_state else -1
            containers = [{"name": c, "digest": digests[c], "cid": rnd.hex(64), "cid2": rnd.hex(64),
                           "cpu": rnd.choice([10, 50, 100, 200]), "mem": rnd.choice([64, 128, 256, 512]), "uid": scc_uid,
                           "state": bad_state if i == bad_idx else "running",
                           "restarts": rnd.randrange(20, 400) if i == bad_idx and bad_state == "CrashLoopBackOff"
                           else rnd.choice([0, 0, 0, 0, 1, 2])}
                          for i, c in enumerate(cnames)]
            node = rnd.choice(nodes)
            doc, images = pod_doc(rnd, ns, app, rs_hash, pod, containers, node, pod_created, scc_uid)
            pods.append((pod, doc))
            pod_uid = doc.split("\n  uid: ", 1)[1].split("\n", 1)[0]
            if not bad_state:
                ready_count += 1
            t = pod_created
            events.append(event_doc(rnd, ns, pod, pod_uid, "Scheduled", f"Successfully assigned {ns}/{pod} to {node}",
                                    "Normal", 1, t, t, "default-scheduler"))
            events.append(event_doc(rnd, ns, pod, pod_uid, "AddedInterface", f"Add eth0 [{rnd.ip()}/23] from ovn-kubernetes",
                                    "Normal", 1, t + 2, t + 2, "multus"))
            for c in containers:
                img = images[c["name"]]
                if c["state"] == "ImagePullBackOff":
                    events.append(event_doc(rnd, ns, pod, pod_uid, "Failed",
                                            f"'Failed to pull image \"{img}\": rpc error: code = Unknown desc = reading manifest "
                                            f"sha256:{c['digest']} in image-registry.openshift-image-registry.svc:5000/{ns}/{app}-{c['name']}: "
                                            "manifest unknown: manifest unknown'", "Warning", rnd.randrange(5, 90), t + 5,
                                            GATHER_EPOCH - 60, "kubelet", c["name"]))
                    events.append(event_doc(rnd, ns, pod, pod_uid, "BackOff", f"Back-off pulling image \"{img}\"", "Normal",
                                            rnd.randrange(50, 900), t + 9, GATHER_EPOCH - 30, "kubelet", c["name"]))
                    continue
                events.append(event_doc(rnd, ns, pod, pod_uid, "Pulled", f"Container image \"{img}\" already present on machine",
                                        "Normal", 1 + c["restarts"], t + 4, t + 4, "kubelet", c["name"]))
                events.append(event_doc(rnd, ns, pod, pod_uid, "Created", f"Created container {c['name']}",
                                        "Normal", 1 + c["restarts"], t + 5, t + 5, "kubelet", c["name"]))
                events.append(event_doc(rnd, ns, pod, pod_uid, "Started", f"Started container {c['name']}",
                                        "Normal", 1 + c["restarts"], t + 6, t + 6, "kubelet", c["name"]))
                if c["state"] == "CrashLoopBackOff":
                    events.append(event_doc(rnd, ns, pod, pod_uid, "BackOff", "Back-off restarting failed container",
                                            "Warning", c["restarts"] * 7, t + 60, GATHER_EPOCH - 20, "kubelet", c["name"]))
                flavor = flavor_default or rnd.choice(["app", "json", "klog"])
                base_path = f"{base}/namespaces/{ns}/pods/{pod}/{c['name']}/{c['name']}/logs"
                logs.append((pod, f"{base_path}/current.log", log_size(rnd, log_scale), flavor, [pod, app, c["name"]], t + 20))
                if c["restarts"]:
                    logs.append((pod, f"{base_path}/previous.log", log_size(rnd, log_scale) // 4, flavor, [pod, app], t + 10))
        deploys.append(deployment_doc(rnd, ns, app, replicas, ready_count, containers, images, app_created))
        services.append(service_doc(rnd, ns, app, app_created))
        cms.append(configmap_doc(rnd, ns, f"{app}-config",
                                 "".join(f"  {k}: \"{rnd.choice(['true', 'false', str(rnd.randrange(10000))])}\"\n"
                                         for k in sorted(rnd.sample(["cache.ttl", "db.pool.size", "feature.flags", "http.port",
                                                                     "log.format", "metrics.enabled", "retry.max", "timeout.ms"], 5)))
                                 + "  application.yaml: |\n" + "".join(
                                     f"    {k}:\n      enabled: true\n      endpoint: http://{rnd.choice(app_names)}.{ns}.svc:8080/{k}\n"
                                     for k in sorted(rnd.sample(WORDS, 8))), app_created))
    cms.append(configmap_doc(rnd, ns, "kube-root-ca.crt", "  ca.crt: |\n    " + PEM.replace("\n", "\n    ") + "\n", created))
    cms.append(configmap_doc(rnd, ns, "openshift-service-ca.crt", "  service-ca.crt: |\n    " + PEM.replace("\n", "\n    ") + "\n", created))
    secrets = [
        secret_doc(rnd, ns, f"builder-dockercfg-{rnd.k8s(5)}", "kubernetes.io/dockercfg", [".dockercfg"], created,
                   f"  annotations:\n    kubernetes.io/service-account.name: builder\n    kubernetes.io/service-account.uid: {rnd.uid()}\n"),
        secret_doc(rnd, ns, f"default-token-{rnd.k8s(5)}", "kubernetes.io/service-account-token",
                   ["ca.crt", "namespace", "service-ca.crt", "token"], created,
                   f"  annotations:\n    kubernetes.io/service-account.name: default\n    kubernetes.io/service-account.uid: {rnd.uid()}\n"),
    ] + [secret_doc(rnd, ns, f"{app}-credentials", "Opaque", ["password", "username", "database-url"], created) for app in app_names[:3]]

    rv = rnd.randrange(10**7, 10**8)
    nsdir = f"{base}/namespaces/{ns}"
    w.add(f"{nsdir}/{ns}.yaml", "---\n" + namespace_doc(rnd, ns, created))
    w.add(f"{nsdir}/core/pods.yaml", as_list("PodList", [d for _, d in pods], rv))
    w.add(f"{nsdir}/core/events.yaml", as_list("EventList", events, rv))
    w.add(f"{nsdir}/core/configmaps.yaml", as_list("ConfigMapList", cms, rv))
    w.add(f"{nsdir}/core/services.yaml", as_list("ServiceList", services, rv))
    w.add(f"{nsdir}/core/secrets.yaml", as_list("SecretList", secrets, rv))
    w.add(f"{nsdir}/apps/deployments.yaml", as_list("DeploymentList", deploys, rv))
    by_pod = {}
    for entry in logs:
        by_pod.setdefault(entry[0], []).append(entry)
    for pod, doc in pods:
        w.add(f"{nsdir}/pods/{pod}/{pod}.yaml", "---\n" + doc)
        for _, path, size, flavor, names, start in by_pod.get(pod, []):
            w.add(path, make_log(rnd, size, flavor, ns, names, start))
    return len(pods)


# --------------------------------------------------------------------------------------------
# Cluster-scoped resources

CLUSTER_OPERATORS = ["authentication", "cloud-credential", "cluster-autoscaler", "config-operator", "console", "dns", "etcd",
                     "image-registry", "ingress", "insights", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
                     "kube-storage-version-migrator", "machine-api", "machine-approver", "machine-config", "marketplace",
                     "monitoring", "network", "node-tuning", "openshift-apiserver", "openshift-controller-manager",
                     "openshift-samples", "operator-lifecycle-manager", "service-ca", "storage"]


def write_cluster_scoped(w, rnd, base, nodes):
    cs = f"{base}/cluster-scoped-resources"
    for node in nodes:
        role = "master" if "master" in node else "worker"
        w.add(f"{cs}/core/nodes/{node}.yaml", (
            f"---\napiVersion: v1\nkind: Node\nmetadata:\n  annotations:\n    machine.openshift.io/machine: openshift-machine-api/{node}\n"
            f"    machineconfiguration.openshift.io/currentConfig: rendered-{role}-{rnd.hex(32)}\n"
            f"    machineconfiguration.openshift.io/state: Done\n  creationTimestamp: \"{iso(GATHER_EPOCH - 90 * 86400)}\"\n"
            f"  labels:\n    kubernetes.io/hostname: {node}\n    kubernetes.io/os: linux\n    node-role.kubernetes.io/{role}: \"\"\n"
            f"    topology.kubernetes.io/zone: us-east-1{rnd.choice('abc')}\n  name: {node}\n  resourceVersion: \"{rnd.randrange(10**7, 10**8)}\"\n"
            f"  uid: {rnd.uid()}\nspec:\n  providerID: aws:///us-east-1a/i-{rnd.hex(17)}\nstatus:\n  addresses:\n"
            f"  - address: 10.0.{rnd.randrange(128, 200)}.{rnd.randrange(2, 250)}\n    type: InternalIP\n  - address: {node}\n    type: Hostname\n"
            f"  allocatable:\n    cpu: 3500m\n    memory: 15214452Ki\n    pods: \"250\"\n  capacity:\n    cpu: \"4\"\n    memory: 16265588Ki\n"
            f"    pods: \"250\"\n  conditions:\n"
            + "".join(f"  - lastHeartbeatTime: \"{iso(GATHER_EPOCH - 30)}\"\n    lastTransitionTime: \"{iso(GATHER_EPOCH - 80 * 86400)}\"\n"
                      f"    message: {msg}\n    reason: {reason}\n    status: \"{st}\"\n    type: {typ}\n"
                      for typ, st, reason, msg in [("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                                                   ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                                                   ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                                                   ("Ready", "True", "KubeletReady", "kubelet is posting ready status")])
            + f"  nodeInfo:\n    architecture: amd64\n    containerRuntimeVersion: cri-o://1.25.4-4.rhaos4.12.git{rnd.hex(7)}.el8\n"
            f"    kernelVersion: 4.18.0-372.64.1.el8_6.x86_64\n    kubeletVersion: v1.25.11+1485cc9\n    operatingSystem: linux\n"
            f"    osImage: Red Hat Enterprise Linux CoreOS 412.86.202307260624-0 (Ootpa)\n"))
    for co in CLUSTER_OPERATORS:
        w.add(f"{cs}/config.openshift.io/clusteroperators/{co}.yaml", (
            f"---\napiVersion: config.openshift.io/v1\nkind: ClusterOperator\nmetadata:\n  creationTimestamp: \"{iso(GATHER_EPOCH - 90 * 86400)}\"\n"
            f"  generation: 1\n  name: {co}\n  resourceVersion: \"{rnd.randrange(10**7, 10**8)}\"\n  uid: {rnd.uid()}\nspec: {{}}\nstatus:\n  conditions:\n"
            + "".join(f"  - lastTransitionTime: \"{iso(GATHER_EPOCH - rnd.randrange(86400, 80 * 86400))}\"\n    message: {msg}\n"
                      f"    reason: AsExpected\n    status: \"{st}\"\n    type: {typ}\n"
                      for typ, st, msg in [("Degraded", "False", "'All is well'"), ("Progressing", "False", "'All is well'"),
                                           ("Available", "True", "'All is well'"), ("Upgradeable", "True", "'All is well'")])
            + f"  versions:\n  - name: operator\n    version: 4.12.29\n"))
    w.add(f"{cs}/config.openshift.io/clusterversions/version.yaml", (
        f"---\napiVersion: config.openshift.io/v1\nkind: ClusterVersion\nmetadata:\n  name: version\n  uid: {rnd.uid()}\n"
        f"spec:\n  channel: stable-4.12\n  clusterID: {rnd.uid()}\nstatus:\n  desired:\n    version: 4.12.29\n  history:\n"
        f"  - completionTime: \"{iso(GATHER_EPOCH - 30 * 86400)}\"\n    state: Completed\n    version: 4.12.29\n"))


# --------------------------------------------------------------------------------------------
# MTC must-gather, nested as must-gather.tar.gz

def write_mtc(path, rnd, target):
    """The MTC image folder's must-gather.tar.gz, scaled from Samples/healthy-migration."""
    sample = None
    for root, dirs, _ in os.walk(MTC_SAMPLE):
        if root.endswith("must-gather.tar.gz.d"):
            sample = os.path.join(root, "must-gather")
            break
    host = os.path.join(sample, "clusters", "host")
    plan_tpl = open(os.path.join(sample, "migplans", "migplan-mssql-persistent-plan", "mssql-persistent-plan.yml")).read()
    mig_dir = os.path.join(sample, "migplans", "migplan-mssql-persistent-plan")
    mig_name = [d for d in os.listdir(mig_dir) if d.startswith("migmigration-")][0][len("migmigration-"):]
    mig_tpl = open(os.path.join(mig_dir, f"migmigration-{mig_name}", f"migmigration-{mig_name}.yml")).read()
    ctl_dir = [d for d in os.listdir(os.path.join(host, "namespaces", "openshift-migration", "logs")) if d.startswith("migration-controller-")][0]
    ctl_sample = open(os.path.join(host, "namespaces", "openshift-migration", "logs", ctl_dir, "current.log")).read().splitlines()
    run_lines = [l for l in ctl_sample if mig_name in l]

    n_plans = max(2, min(40, int(target / 100e6) + 2))
    log_target = int(target * 0.012)
    with tarfile.open(path, "w:gz", compresslevel=6, format=tarfile.GNU_FORMAT) as tar:
        w = DumpWriter.__new__(DumpWriter)
        w.tar, w.dirs, w.files, w.content = tar, set(), 0, 0
        for root, _dirs, files in sorted(os.walk(os.path.join(sample, "clusters"))):
            for f in sorted(files):
                rel = os.path.relpath(os.path.join(root, f), os.path.dirname(sample))
                if f == "current.log" and "/migration-controller-" in rel:
                    continue
                w.add(rel, open(os.path.join(root, f), "rb").read())
        plans = []
        t = GATHER_EPOCH - 5 * 86400
        for p in range(n_plans):
            plan = f"{rnd.choice(WORDS)}-{rnd.choice(TEAMS)}-plan-{p}"
            plan_uid = rnd.uid()
            w.add(f"must-gather/migplans/migplan-{plan}/{plan}.yml",
                  plan_tpl.replace("mssql-persistent-plan", plan).replace("mssql-persistent", f"{plan[:-7]}-ns")
                  .replace("e2b7c4d9-6a13-4f58-8d2e-1c9b5a7f3e60", plan_uid))
            for _m in range(rnd.randrange(1, 4)):
                mig = rnd.uid()
                w.add(f"must-gather/migplans/migplan-{plan}/migmigration-{mig}/migmigration-{mig}.yml",
                      mig_tpl.replace(mig_name, mig).replace("mssql-persistent-plan", plan)
                      .replace("e2b7c4d9-6a13-4f58-8d2e-1c9b5a7f3e60", plan_uid))
                plans.append((plan, mig, t))
                t += rnd.randrange(600, 7200)
        # Controller log: the sample's startup lines, each migration's [RUN] steps, reconcile noise in between.
        out = [l for l in ctl_sample[:5]]
        size = sum(len(l) + 1 for l in out)
        noise = ['{"level":"info","ts":%.4f,"logger":"plan","msg":"Reconciling MigPlan","migPlan":"%s"}',
                 '{"level":"info","ts":%.4f,"logger":"cluster","msg":"Reconciling MigCluster","migCluster":"%s"}',
                 '{"level":"info","ts":%.4f,"logger":"storage","msg":"Reconciling MigStorage","migStorage":"%s"}',
                 '{"level":"info","ts":%.4f,"logger":"migration","msg":"Migration [%s] is not running, skipping"}']
        per_mig = max(0, (log_target // max(1, len(plans))) // 110)
        for plan, mig, start in plans:
            ts = float(start)
            for l in run_lines:
                tail = l.split('"logger"', 1)[1].replace(mig_name, mig).replace("mssql-persistent-plan", plan)
                ts += rnd.random() * 8
                out.append('{"level":"info","ts":%.4f,"logger"%s' % (ts, tail))
            for _ in range(per_mig):
                ts += rnd.random() * 3
                out.append(rnd.choice(noise) % (ts, rnd.choice([plan, "host", "s3-repository", mig])))
        text = "\n".join(out) + "\n"
        w.add(f"must-gather/clusters/host/namespaces/openshift-migration/logs/{ctl_dir}/current.log", text)


# --------------------------------------------------------------------------------------------

def compressors(out_gz, out_xz):
    gz = ["pigz", "-6", "-n", "-p", "2"] if shutil.which("pigz") else ["gzip", "-6", "-n"]
    procs = [subprocess.Popen(gz, stdin=subprocess.PIPE, stdout=open(out_gz, "wb"), bufsize=1 << 20),
             subprocess.Popen(["xz", "-T2", "-6"], stdin=subprocess.PIPE, stdout=open(out_xz, "wb"), bufsize=1 << 20)]
    return procs, gz[0]


# Shapes: "logs" (the default: logs are most of the bytes, ~3,000 entries a GB) and "small-files" (a large
# cluster's gather: tiny logs, so ~250,000 tar entries, ~1,600 namespaces and ~600 failing pods a GB; `failing` is the share of pods in
# CrashLoopBackOff or ImagePullBackOff).
SHAPES = {"logs": {"log_scale": 1.0, "failing": 0.045}, "small-files": {"log_scale": 0.02, "failing": 0.025}}


def generate(size_label, seed, outdir, force=False, shape="logs", failing=None):
    target = parse_size(size_label)
    version = generator_version()
    params = dict(SHAPES[shape])
    if failing is not None:
        params["failing"] = failing
    label = "" if shape == "logs" and failing is None else f"{shape}-{params['failing']:g}-"
    stem = os.path.join(outdir, f"mg-{label}{size_label}-seed{seed}")
    stamp_path = stem + ".json"
    if not force and os.path.exists(stamp_path):
        stamp = json.load(open(stamp_path))
        if (stamp.get("generator") == version and stamp.get("seed") == seed and stamp.get("size") == size_label
                and stamp.get("shape", "logs") == shape and stamp.get("failing", SHAPES[shape]["failing"]) == params["failing"]
                and all(os.path.exists(stamp[k]) for k in ("tar.gz", "tar.xz"))):
            print(f"[generate] {size_label}: reusing {stem}.tar.{{gz,xz}} (stamp matches)", flush=True)
            return stamp
    os.makedirs(outdir, exist_ok=True)
    started = time.time()
    rnd = Rand(f"mustard-bench/{seed}/{size_label}")
    mtc_rnd = Rand(f"mustard-bench-mtc/{seed}/{size_label}")
    mtc_tmp = stem + ".mtc.tar.gz"
    write_mtc(mtc_tmp, mtc_rnd, target)
    procs, gz_tool = compressors(stem + ".tar.gz.tmp", stem + ".tar.xz.tmp")
    tee = Tee([p.stdin for p in procs])
    w = DumpWriter(tee)
    root = f"must-gather.local.{rnd.randrange(10**18, 10**19)}"
    ocp = f"{root}/quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-{rnd.hex(64)}"
    mtc = f"{root}/quay-io-konveyor-must-gather-sha256-{rnd.hex(64)}"
    w.add(f"{root}/timestamp", go_time(GATHER_EPOCH, rnd.randrange(10**9), 0.0432) + "\n"
          + go_time(GATHER_EPOCH + 540, rnd.randrange(10**9), 540.78) + "\n")
    w.add(f"{ocp}/version", "openshift/must-gather\n4.12.29\n")
    w.add(f"{ocp}/timestamp", go_time(GATHER_EPOCH + 3, rnd.randrange(10**9), 1.31) + "\n"
          + go_time(GATHER_EPOCH + 530, rnd.randrange(10**9), 528.2) + "\n")
    w.add(f"{ocp}/event-filter.html", "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Events</title></head><body></body></html>\n")
    n_workers = max(3, int(target / 40e6))
    nodes = [f"ocp4-{rnd.k8s(5)}-master-{i}" for i in range(3)] + \
            [f"ocp4-{rnd.k8s(5)}-worker-us-east-1{'abc'[i % 3]}-{rnd.k8s(5)}" for i in range(n_workers)]
    write_cluster_scoped(w, rnd, ocp, nodes)
    budget = target - os.path.getsize(mtc_tmp)  # the nested archive goes in last, as it is
    namespaces, pods, next_report = 0, 0, 0.0
    used = set()
    while tee.count < budget:
        if namespaces < len(OPENSHIFT_NAMESPACES):
            ns = OPENSHIFT_NAMESPACES[namespaces]
        else:
            ns = f"{rnd.choice(TEAMS)}-{rnd.choice(WORDS)}-{rnd.choice(['dev', 'test', 'stage', 'prod'])}"
            while ns in used:
                ns = f"{ns}-{rnd.randrange(10, 99)}"
        used.add(ns)
        pods += write_namespace(w, rnd, ocp, ns, nodes, params["log_scale"], params["failing"])
        namespaces += 1
        if tee.count / target >= next_report:
            el = time.time() - started
            print(f"[generate] {size_label}: {tee.count / 1e6:8.1f} / {target / 1e6:.0f} MB "
                  f"({100 * tee.count / target:3.0f}%), {namespaces} namespaces, {pods} pods, {el:6.1f} s", flush=True)
            next_report += 0.1
    w.add_file(f"{mtc}/must-gather.tar.gz", mtc_tmp)
    w.close()
    for p in procs:
        p.stdin.close()
    for p in procs:
        if p.wait() != 0:
            sys.exit(f"compressor failed: {p.args}")
    os.replace(stem + ".tar.gz.tmp", stem + ".tar.gz")
    os.replace(stem + ".tar.xz.tmp", stem + ".tar.xz")
    os.remove(mtc_tmp)
    stamp = {"seed": seed, "size": size_label, "shape": shape, "failing": params["failing"], "target_bytes": target, "tar_bytes": tee.count, "files": w.files,
             "content_bytes": w.content, "namespaces": namespaces, "pods": pods, "generator": version, "gzip_tool": gz_tool,
             "tar.gz": stem + ".tar.gz", "tar.xz": stem + ".tar.xz", "seconds": round(time.time() - started, 1)}
    json.dump(stamp, open(stamp_path, "w"), indent=2)
    print(f"[generate] {size_label}: done in {stamp['seconds']} s: {tee.count / 1e6:.1f} MB tar, {w.files} files, "
          f"{namespaces} namespaces, {pods} pods; gz {os.path.getsize(stamp['tar.gz']) / 1e6:.1f} MB ({gz_tool}), "
          f"xz {os.path.getsize(stamp['tar.xz']) / 1e6:.1f} MB", flush=True)
    return stamp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", action="append", required=True, help="100M, 1G, 4G … (repeatable)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default=os.path.join(REPO, ".build-bench"))
    ap.add_argument("--force", action="store_true", help="regenerate even if the stamp matches")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="logs")
    ap.add_argument("--failing", type=float, help="share of pods failing (default 0.045)")
    args = ap.parse_args()
    for s in args.size:
        generate(s, args.seed, args.out, args.force, args.shape, args.failing)


if __name__ == "__main__":
    main()
