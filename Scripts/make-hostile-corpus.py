#!/usr/bin/env python3
"""Makes the hostile and damaged dumps of Tests/Fixtures/Hostile/ (run: Scripts/make-hostile-corpus.py OUTDIR).

Each case is one file or folder in OUTDIR named after the case; the expected outcome of each is asserted in
Tests/MustardCLITests/HostileCorpusTests.swift. Deterministic: the same bytes every run (seeded, fixed mtimes).
Every case holds the same small valid inspect tree, so a test can tell what was still analysed.
"""
import bz2, gzip, io, lzma, os, random, shutil, stat, struct, subprocess, sys, tarfile, zipfile

MTIME = 1700000000
rng = random.Random(20261125)

TIMESTAMP = b"2026-11-24 16:02:11.402211873 +0000 UTC m=+0.031228781\n2026-11-24 16:02:19.884310602 +0000 UTC m=+8.513327510\n"
PODS = b"""apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-1
    namespace: demo
    creationTimestamp: "2026-11-24T10:00:00Z"
  spec:
    containers:
    - image: quay.io/acme/web:1.0
      name: web
  status:
    phase: Running
    containerStatuses:
    - image: quay.io/acme/web:1.0
      name: web
      ready: true
      restartCount: 0
      state:
        running:
          startedAt: "2026-11-24T10:00:05Z"
kind: PodList
metadata:
  resourceVersion: "1"
"""
ROOT = "inspect.local.1"
VALID = [
    (f"{ROOT}/timestamp", TIMESTAMP),
    (f"{ROOT}/namespaces/demo/demo.yaml", b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n"),
    (f"{ROOT}/namespaces/demo/core/pods.yaml", PODS),
]

def noise(n):
    """Bytes that do not compress, so a cut at a fraction of the archive lands inside them."""
    return bytes(rng.getrandbits(8) for _ in range(n))

def info(name, size=0, type=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.size, ti.type, ti.linkname, ti.mtime, ti.mode = size, type, link, MTIME, 0o644
    return ti

def tar_bytes(files, extra=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in files:
            t.addfile(info(name, len(data)), io.BytesIO(data))
        if extra:
            extra(t)
    return buf.getvalue()

def members(files):
    """Tar members (header and padded data) without the end blocks and record padding, to stream more after."""
    out = b""
    for name, data in files:
        out += info(name, len(data)).tobuf(tarfile.GNU_FORMAT) + data + b"\0" * ((512 - len(data) % 512) % 512)
    return out

def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)

def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

def main(out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    # The valid tree first, then 2 MB that do not compress: cuts land after the valid files.
    big = tar_bytes(VALID + [(f"{ROOT}/namespaces/demo/pods/web-1/web/web/logs/current.log", noise(2 << 20))])
    big_gz, big_xz = gz(big), lzma.compress(big, preset=1)
    big_zst = subprocess.run(["zstd", "-q", "-3", "-c"], input=big, capture_output=True, check=True).stdout
    for pct in (30, 60, 90):
        write(out, f"truncated-gzip-{pct}.tar.gz", big_gz[: len(big_gz) * pct // 100])
    write(out, "truncated-xz.tar.xz", big_xz[: len(big_xz) * 6 // 10])
    write(out, "truncated-zstd.tar.zst", big_zst[: len(big_zst) * 6 // 10])
    flipped = bytearray(big_gz)
    flipped[len(flipped) // 2] ^= 0xFF
    write(out, "flipped-byte.tar.gz", bytes(flipped))

    # A corrupt tar header in the middle: the entry after the valid files is garbage.
    plain = bytearray(tar_bytes(VALID + [("after/one.yaml", b"kind: Pod\n"), ("after/two.yaml", b"kind: Pod\n")]))
    offsets = [i for i in range(0, len(plain), 512) if plain[i:i + 9] == b"after/one"]
    plain[offsets[0]:offsets[0] + 512] = noise(512)
    write(out, "corrupt-tar-header.tar", bytes(plain))

    # A zip whose central directory is damaged.
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in VALID:
            zi = zipfile.ZipInfo(name, date_time=(2026, 11, 24, 16, 0, 0))
            z.writestr(zi, data)
    zb = bytearray(zbuf.getvalue())
    cd = zb.rfind(b"PK\x01\x02")
    zb[cd:cd + 46] = noise(46)
    write(out, "bad-central-directory.zip", bytes(zb))

    # Names: traversal, absolute, not UTF-8, duplicates; links; devices and FIFOs.
    def odd_entries(t):
        for name, data in [("../../etc/passwd", b"root:x:0:0\n"), ("/abs/namespaces/x/core/pods.yaml", b"kind: PodList\nitems: []\n"),
                           (f"{ROOT}/namespaces/demo/core/pods.yaml", b"kind: PodList\nitems: []\n")]:
            t.addfile(info(name, len(data)), io.BytesIO(data))
        raw = tarfile.TarInfo("x")
        raw.name = b"bad-\xff\xfe.yaml".decode("utf-8", "surrogateescape")
        raw.size, raw.mtime = 10, MTIME
        t.addfile(raw, io.BytesIO(b"kind: Pod\n"))
        t.addfile(info("loop-a", type=tarfile.SYMTYPE, link="loop-b"))
        t.addfile(info("loop-b", type=tarfile.SYMTYPE, link="loop-a"))
        t.addfile(info("outside", type=tarfile.SYMTYPE, link="/etc/shadow"))
        t.addfile(info("hard-out", type=tarfile.LNKTYPE, link="../../etc/passwd"))
        t.addfile(info("null-device", type=tarfile.CHRTYPE))
        t.addfile(info("a-fifo", type=tarfile.FIFOTYPE))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
        for name, data in VALID:
            t.addfile(info(name, len(data)), io.BytesIO(data))
        odd_entries(t)
    write(out, "odd-names-and-links.tar.gz", gz(buf.getvalue()))

    # A valid outer archive holding a corrupt nested must-gather.tar.gz.
    inner = bytearray(gz(tar_bytes([("must-gather/clusters/host/timestamp", TIMESTAMP)] + [(f"must-gather/pad{i}", noise(4096)) for i in range(8)])))
    inner = inner[: len(inner) // 2]
    write(out, "nested-corrupt.tar.gz", gz(tar_bytes(VALID + [("must-gather.local.1/img/must-gather.tar.gz", bytes(inner))])))

    # YAML that is hostile or broken, one case each, next to the valid tree.
    yaml_cases = {
        "yaml-tabs": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabbed\n",
        "yaml-anchors": b"apiVersion: v1\nkind: ConfigMapList\nitems:\n- &cm\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: demo}\n  data: {K: v}\n- *cm\n",
        "yaml-duplicate-keys": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
        "yaml-deep-nesting": b"apiVersion: v1\nkind: ConfigMap\ndata: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "yaml-billion-laughs": b"apiVersion: v1\nkind: ConfigMap\na: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + b"".join(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode() for p, c in zip("abcdefgh", "bcdefghi")),
        "binary-yaml": noise(4096),
        "empty-yaml": b"",
        "oc-error-text": b"error: the server doesn't have a resource type \"configmaps\"\n",
    }
    for case, data in yaml_cases.items():
        write(out, f"{case}.tar.gz", gz(tar_bytes(VALID + [(f"{ROOT}/namespaces/demo/core/events.yaml", data)])))

    # A 200 MB single line in a YAML file, streamed through gzip without holding it.
    with gzip.GzipFile(os.path.join(out, "huge-line.tar.gz"), "wb", compresslevel=1, mtime=0) as g:
        g.write(members(VALID))
        size = 200 << 20
        g.write(info(f"{ROOT}/namespaces/demo/core/events.yaml", size).tobuf(tarfile.GNU_FORMAT))
        chunk = b"a" * (1 << 20)
        for _ in range(size >> 20):
            g.write(chunk)
        g.write(b"\0" * 1024)

    # A gzip bomb: 2 GiB of zeros in one log, a few MB on disk.
    with gzip.GzipFile(os.path.join(out, "gzip-bomb.tar.gz"), "wb", compresslevel=9, mtime=0) as g:
        g.write(members(VALID))
        size = 2 << 30
        g.write(info(f"{ROOT}/namespaces/demo/pods/web-1/web/web/logs/current.log", size).tobuf(tarfile.GNU_FORMAT))
        zeros = b"\0" * (4 << 20)
        for _ in range(size // len(zeros)):
            g.write(zeros)
        g.write(b"\0" * 1024)

    # Terminal and report injection (issue 10, item 4). A folder name carrying escape sequences (retitle, clear,
    # a red fake severity), bidi controls and a newline forging a "[CRITICAL] forged" line, on a file that is not
    # YAML: exit 3, a load issue "not readable as YAML" naming it, shown escaped (`\u{1B}`) in every report.
    evil = "\x1b]0;pwned\x07\x1b[2J\x1b[1;31m[CRITICAL] fake\x1b[0m \u202eevil\u202c\u2066x\u2069\u200f\u061c\r\n[CRITICAL] forged"
    write(out, "inject-names.tar.gz", gz(tar_bytes(VALID + [(f"{ROOT}/namespaces/demo{evil}/core/pods.yaml", b"\tnot yaml\n")])))
    # The same name on the first entry, which takes seconds to decompress (512 MiB of zeros in bzip2, concatenated
    # streams), so a terminal's progress line shows it: escaped there too. Exit 0, no load issue.
    zeros = bz2.compress(b"\0" * (16 << 20), 9)
    big = info(f"{ROOT}/namespaces/demo/{evil}.log", 32 * (16 << 20)).tobuf(tarfile.GNU_FORMAT)
    # Secrets in quoted text (issue 10, item 5): a YAML file without `kind` whose first line, quoted in the load
    # issue, holds five credential forms. Exit 0, a warning "not a Kubernetes object", no CANARY in any report.
    secrets = "PGPASSWORD=CANARY-PG passphrase=CANARY-PHRASE Authorization: Basic CANARY-BASIC --password CANARY-FLAG mysql -pCANARY-MYSQL"
    write(out, "secrets-quoted.tar.gz", gz(tar_bytes(VALID + [(f"{ROOT}/namespaces/demo/core/events.yaml", f"note: '{secrets}'\n".encode())])))
    write(out, "inject-progress.tar.bz2", bz2.compress(big) + zeros * 32 + bz2.compress(members(VALID) + b"\0" * 1024))
    linear_cases(out)

MIGNS = f"{ROOT}/namespaces/openshift-migration"
MIGRATION = b"""apiVersion: migration.openshift.io/v1alpha1
kind: MigMigration
metadata:
  name: m-1
  namespace: openshift-migration
  creationTimestamp: "2026-11-24T10:00:00Z"
spec:
  migPlanRef: {name: plan-1, namespace: openshift-migration}
  stage: false
status:
  phase: Completed
  startTimestamp: "2026-11-24T10:00:01Z"
"""

def with_valid(files):
    return gz(tar_bytes(VALID + files))

def linear_cases(out):
    """Item 2 and 3 of issue 10: input that made mustard superlinear in time or unbounded in memory. Each must end
    in 60 s and 512 MB (HostileCorpusTests measures both)."""
    events = f"{ROOT}/namespaces/demo/core/events.yaml"
    cm = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: demo}\n"
    # Flow collections and tags are outside the fast reader's subset: libyaml's tree builder reads them. Exit 0.
    write(out, "yaml-flow-list.tar.gz", with_valid([(events, cm + b"data: [" + b"a," * 150_000 + b"a]\n")]))
    write(out, "yaml-flow-mapping.tar.gz", with_valid([(events, cm + b"data: {" + b"".join(b"k%d: v," % i for i in range(80_000)) + b"z: v}\n")]))
    write(out, "yaml-repeated-tag.tar.gz", with_valid([(events, cm + b"list:\n" + b"- !t x\n" * 150_000)]))
    # 120 MB of one-character list items, under the 128 MiB entry limit: 30 million values took 1.5 GB decoded.
    # Refused past 4 million values (a load issue), so memory stays bounded. Exit 3.
    write(out, "yaml-many-values.tar.gz", gzip.compress(tar_bytes(VALID + [(events, cm + b"data:\n" + b"- a\n" * 30_000_000)]), compresslevel=1, mtime=0))
    # A MigMigration with 100,000 conditions (each one a timeline entry). Exit 0 or 1, never a hang.
    conds = b"".join(b'  - {type: C%d, status: "True", lastTransitionTime: "2026-11-24T10:%02d:00Z", message: m}\n' % (i, i % 60) for i in range(100_000))
    write(out, "migmigration-conditions.tar.gz", with_valid([(f"{MIGNS}/migration.openshift.io/migmigrations.yaml", MIGRATION + b"  conditions:\n" + conds)]))
    # 200,000 [RUN] lines of the controller for that migration.
    log = b"".join(b'{"level":"info","ts":%d.5,"logger":"migration","msg":"[RUN] (Step %d/49) step","migMigration":"m-1","phase":"P%d"}\n' % (1795500000 + i, i % 49, i) for i in range(200_000))
    write(out, "controller-log-run-lines.tar.gz", with_valid([
        (f"{MIGNS}/migration.openshift.io/migmigrations.yaml", MIGRATION),
        (f"{MIGNS}/pods/migration-controller-1/mtc/mtc/logs/current.log", log)]))
    # Lines and a termination message made to make the secret scrubber's patterns backtrack: a backtracking engine
    # re-scans each run from every start (quadratic; minutes a line). The crash-looping pod is a finding: exit 1.
    redos = [b"token " + b"a-" * 30_000, b"eyJ" + b"-eyJ" * 15_000, b'"' + b"a_" * 30_000 + b'"token', b"bearer " + b" " * 60_000 + b"!",
             b"://a:" + b":" * 60_000, b"-----BEGIN " + b"A" * 60_000, b"password " + b"x_" * 30_000 + b"="]
    log = b"".join(b'{"level":"info","ts":1795500000.5,"msg":"[RUN] ' + r + b'","migMigration":"m-1"}\n' for r in redos * 2)
    msg = b"token " + b"a-" * 50_000
    pod = PODS.replace(b"namespace: demo", b"namespace: other").replace(b"ready: true\n      restartCount: 0", b"ready: false\n      restartCount: 7").replace(
        b"      state:\n        running:\n          startedAt: \"2026-11-24T10:00:05Z\"",
        b"      lastState:\n        terminated: {exitCode: 1, reason: Error, message: " + msg + b"}\n      state:\n        waiting: {reason: CrashLoopBackOff, message: " + msg + b"}")
    assert msg in pod
    write(out, "redos-lines.tar.gz", with_valid([
        (f"{MIGNS}/migration.openshift.io/migmigrations.yaml", MIGRATION),
        (f"{MIGNS}/pods/migration-controller-1/mtc/mtc/logs/current.log", log),
        (f"{ROOT}/namespaces/other/core/pods.yaml", pod)]))
    # A bzip2 bomb under the byte limit (64 GiB): 16 GiB of zeros in one log from 80 KB (bzip2 streams concatenate,
    # so one compressed 16 MiB of zeros is repeated). libarchive skipped the unwanted log inside one call,
    # decompressing all of it before any limit was checked (about 70 s); now the skip is read and counted, and
    # a ratio limit (1000:1 past 1 GiB) stops it. Exit 3.
    size, zeros = 16 << 30, bz2.compress(b"\0" * (16 << 20), 9)
    head = members(VALID) + info(f"{ROOT}/namespaces/demo/pods/web-1/web/web/logs/current.log", size).tobuf(tarfile.GNU_FORMAT)
    write(out, "bzip2-bomb.tar.bz2", bz2.compress(head, 9) + zeros * (size >> 24) + bz2.compress(b"\0" * 1024, 9))
    # FIFOs: given as the dump (exit 2, never opened) and inside a folder dump (a load issue, the rest analysed).
    os.mkfifo(os.path.join(out, "fifo"))
    folder = os.path.join(out, "folder-with-fifo")
    for name, data in VALID:
        os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
        write(folder, name, data)
    os.mkfifo(os.path.join(folder, ROOT, "namespaces/demo/core/events.yaml"))
    # An .xz whose block header asks for a 2 GiB dictionary: refused by the memory limit, exit 3.
    xz = bytearray(lzma.compress(tar_bytes(VALID), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 20}]))
    hsize = (xz[12] + 1) * 4  # block header after the 12-byte stream header; LZMA2's one property byte precedes padding
    assert xz[13] == 0 and xz[14] == 0x21 and xz[15] == 1, "unexpected xz block header"
    xz[16] = 38  # LZMA2 dictionary 2 GiB: 2 << (38 // 2 + 11)
    xz[12 + hsize - 4:12 + hsize] = struct.pack("<I", __import__("zlib").crc32(bytes(xz[12:12 + hsize - 4])))
    write(out, "xz-2gib-dictionary.tar.xz", bytes(xz))
    # 150 symlinks with 900 KB pax link names (libarchive refuses pax headers over 1 MiB), 150 files with 900 KB
    # names: names kept and quoted are bounded, repeats folded. Exit 0.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in VALID:
            t.addfile(info(name, len(data)), io.BytesIO(data))
        for i in range(150):
            t.addfile(info(f"{ROOT}/link-{i}", type=tarfile.SYMTYPE, link="/" + "x" * 900_000))
            t.addfile(info(f"{ROOT}/{i}-" + "y" * 900_000, 1), io.BytesIO(b"y"))
    write(out, "long-link-names.tar.gz", gz(buf.getvalue()))

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/Hostile")
