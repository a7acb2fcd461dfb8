#!/usr/bin/env python3
"""mustard benchmark harness (`make bench`; SIZES="100M 1G 4G", BENCH_SEED=42).

For each generated must-gather (Scripts/bench/generate.py, cached in .build-bench/) in .tar.gz and
.tar.xz, and for the real dumps in Tests/RealData/.../*.tar.xz, it times on the same file:
    bsdtar -tf FILE                      libarchive listing: the floor for a streaming reader
    gzip -dc FILE  |  xz -dc FILE        decompression alone (output to /dev/null)
    tar -xf FILE -C <tmpdir>             what users do by hand (tmpfs when there is room)
    mustard analyze FILE --format json -o /dev/null
with hyperfine (-N, 5/3/2 runs for 100M/1G/4G, 5 for real dumps; --warmup 1 up to 1.5 GB, past that the peak-RSS run warms the cache; JSON kept in
.build-bench/results/), peak RSS with one extra `/usr/bin/time -f %M` run each, and CPU time as
hyperfine's mean user+system. It prints one table and writes it, with the issue's targets and a
pass/miss for each, to docs/performance.md. mustard exit codes 0, 1 (findings) and 3 (damaged
dump) are fine; 2 (nothing analysed) fails the benchmark.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import generate  # noqa: E402

REAL_DUMPS = os.path.join(REPO, "Tests/RealData/openshift__must-gather-clean/test/files")
RUNS = {"100M": 5, "1G": 3, "4G": 2}
COMMANDS = ["bsdtar -tf", "decompress", "tar -xf", "mustard"]
RATIO_LIMIT = 2.0          # mustard / bsdtar -tf
RSS_LIMIT_MB = 300
RATIO_GROWTH_TOLERANCE = 1.10  # "does not grow": largest size within 10% of 100 MB (run-to-run noise)


def log(msg):
    print(f"[bench] {msg}", flush=True)


def runs_for(label):
    if label in RUNS:
        return RUNS[label]
    size = generate.parse_size(label) if label[0].isdigit() else 0
    return 5 if size < 500e6 else 3 if size < 2e9 else 2


def uncompressed_xz(path):
    out = subprocess.run(["xz", "--robot", "--list", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "totals":
            return int(f[4])
    raise RuntimeError(f"xz --list gave no totals for {path}")


def extraction_dir(cache, largest):
    """tmpfs when it has room for the largest tree plus slack, else a folder in the cache."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and shutil.disk_usage(shm).free > 2 * largest + 1e9:
        return tempfile.mkdtemp(prefix="mustard-bench-", dir=shm)
    os.makedirs(os.path.join(cache, "extract"), exist_ok=True)
    return tempfile.mkdtemp(prefix="x-", dir=os.path.join(cache, "extract"))


def commands(path, fmt, xdir, mustard):
    decomp = ["gzip", "-dc", path] if fmt == "tar.gz" else ["xz", "-dc", path]
    return {
        "bsdtar -tf": (["bsdtar", "-tf", path], None),
        "decompress": (decomp, None),
        "tar -xf": (["tar", "-xf", path, "-C", xdir], ["find", xdir, "-mindepth", "1", "-delete"]),
        "mustard": ([mustard, "analyze", path, "--format", "json", "-o", "/dev/null"], None),
    }


def peak_rss_mb(cmd, prepare):
    """One run under /usr/bin/time; returns (peak RSS in MB, exit code)."""
    if prepare:
        subprocess.run(prepare, check=True)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        rc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        lines = [l for l in open(tf.name).read().splitlines() if l.strip().isdigit()]
    return int(lines[-1]) / 1024, rc


def hyperfine(name, cmd, prepare, runs, json_path, ignore_failure, warmup):
    hf = ["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--style", "basic",
          "--export-json", json_path, "-n", name]
    if prepare:
        hf += ["--prepare", shlex.join(prepare)]
    if ignore_failure:
        hf += ["-i"]
    subprocess.run(hf + [shlex.join(cmd)], check=True)
    return json.load(open(json_path))["results"][0]


def bench_input(inp, xdir, mustard, resdir):
    """Time the four commands on one input; returns {command: {wall, cpu, rss, ...}}."""
    out = {}
    slug = f"{inp['label']}.{inp['format']}".replace("/", "_")
    for name, (cmd, prepare) in commands(inp["path"], inp["format"], xdir, mustard).items():
        rss, rc = peak_rss_mb(cmd, prepare)
        is_mustard = name == "mustard"
        if rc != 0 and not (is_mustard and rc in (1, 3)):
            sys.exit(f"[bench] {name} failed on {inp['path']} with exit code {rc}: {shlex.join(cmd)}")
        # The peak-RSS run just before warms the page cache: past 1 GB a warm-up run adds only minutes.
        r = hyperfine(f"{name} {slug}", cmd, prepare, inp["runs"], os.path.join(resdir, f"{slug}.{name.split()[0]}.json"),
                      ignore_failure=is_mustard, warmup=0 if inp["uncompressed"] > 1.5e9 else 1)
        codes = set(r.get("exit_codes") or [rc])
        if is_mustard and codes - {0, 1, 3}:
            sys.exit(f"[bench] mustard exited {sorted(codes)} on {inp['path']} (2 = nothing analysed)")
        out[name] = {"wall": r["median"], "cpu": r["user"] + r["system"], "rss": rss, "runs": len(r["times"]),
                     "min": min(r["times"]), "max": max(r["times"]), "exit": sorted(codes)}
        log(f"{inp['label']} {inp['format']} {name}: median {r['median']:.3f} s, cpu {out[name]['cpu']:.3f} s, "
            f"peak RSS {rss:.1f} MB")
    if xdir:
        subprocess.run(["find", xdir, "-mindepth", "1", "-delete"], check=True)
    out["ratio"] = out["mustard"]["wall"] / out["bsdtar -tf"]["wall"]
    return out


# --------------------------------------------------------------------------------------------
# Report

def cell(m):
    return f"{m['wall']:.2f} s · {m['cpu']:.2f} s · {m['rss']:.0f} MB"


def targets(inputs, sizes):
    rows = []
    real = [i for i in inputs if i["kind"] == "real"]
    shapes = sorted({i["shape"] for i in inputs if i["kind"] == "generated"}, key=lambda s: s != "logs")
    for shape in shapes:
        gen = [i for i in inputs if i["kind"] == "generated" and i["shape"] == shape]
        rows += shape_targets(gen, "" if shape == "logs" else f" ({shape} shape)")
    if real:
        worst = max(i["result"]["ratio"] for i in real)
        rows.append((f"mustard ≤ {RATIO_LIMIT:g}× `bsdtar -tf` on the real tar.xz dumps",
                     ", ".join(f"{i['label']} {i['result']['ratio']:.2f}×" for i in real),
                     "pass" if worst <= RATIO_LIMIT else "miss"))
    return rows


def shape_targets(gen, suffix):
    """The generated dumps' targets for one shape: speed at 1 GB, peak RSS at every size, a flat ratio."""
    rows = []
    one_gb = [i for i in gen if i["size"] == "1G" and i["format"] == "tar.gz"]
    if one_gb:
        r = one_gb[0]["result"]["ratio"]
        rows.append((f"mustard ≤ {RATIO_LIMIT:g}× `bsdtar -tf` on the 1 GB tar.gz{suffix}", f"{r:.2f}×",
                     "pass" if r <= RATIO_LIMIT else "miss"))
    else:
        rows.append((f"mustard ≤ {RATIO_LIMIT:g}× `bsdtar -tf` on the 1 GB tar.gz{suffix}", "not run (SIZES has no 1G)", "n/a"))

    if gen:
        top = max(gen, key=lambda i: i["result"]["mustard"]["rss"])
        peak = top["result"]["mustard"]["rss"]
        per_size = ", ".join(f"{i['size']} {i['result']['mustard']['rss']:.0f}" for i in gen if i["format"] == "tar.gz")
        rows.append((f"mustard peak RSS ≤ {RSS_LIMIT_MB} MB at every size{suffix}",
                     f"max {peak:.0f} MB ({top['size']} {top['format']}; tar.gz MB: {per_size})", "pass" if peak <= RSS_LIMIT_MB else "miss"))

    # Issue "Flat memory at any dump size": the speed kept on both shapes, at every size.
    for fmt, limit in (("tar.gz", 1.5), ("tar.xz", 1.1)):
        measured = [i for i in gen if i["format"] == fmt]
        if measured:
            worst = max(i["result"]["ratio"] for i in measured)
            rows.append((f"mustard ≤ {limit:g}× `bsdtar -tf` on every {fmt}{suffix}",
                         ", ".join(f"{i['size']} {i['result']['ratio']:.2f}×" for i in measured), "pass" if worst <= limit else "miss"))

    labels = sorted({i["size"] for i in gen}, key=generate.parse_size)
    for fmt in ("tar.gz", "tar.xz"):
        span = f"{labels[0]} to {labels[-1]}" if len(labels) >= 2 else "100M to 4G"
        name = f"mustard/`bsdtar -tf` ratio does not grow from {span} ({fmt}){suffix}"
        if len(labels) < 2:
            rows.append((name, "needs two sizes", "n/a"))
            continue
        by = {i["size"]: i["result"]["ratio"] for i in gen if i["format"] == fmt}
        series = " → ".join(f"{by[l]:.2f}×" for l in labels)
        ok = by[labels[-1]] <= by[labels[0]] * RATIO_GROWTH_TOLERANCE
        rows.append((name + f" (within {round((RATIO_GROWTH_TOLERANCE - 1) * 100)}%)", series, "pass" if ok else "miss"))
    return rows


def render(inputs, meta):
    dec = "`gzip -dc` / `xz -dc`"
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`Scripts/bench/run.py`); re-run it to update this page. Generated dumps come from",
        "`Scripts/bench/generate.py` (deterministic from the seed; must-gather layout with an MTC `must-gather.tar.gz`",
        "nested inside); the real ones are the three `must-gather-clean` test dumps.",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['nproc']} CPUs (nproc), {meta['cpu']}, {meta['mem']} RAM; {meta['os']}",
        f"- mustard: {meta['version']} (release build, commit {meta['commit']})",
        f"- Seed: {meta['seed']}; sizes: {meta['sizes']}; gzip archives made with `{meta['gzip_tool']}`, xz with `xz -T2 -6`",
        f"- Method: hyperfine {meta['hyperfine']} `-N`, `--warmup 1` up to 1.5 GB of tar (past that the peak-RSS run before it warms the page cache), runs: {meta['runs']}; extraction into {meta['xdir_kind']}",
        "",
        "## Targets (issues \"Fast on multi-gigabyte dumps\" and \"Flat memory at any dump size\")",
        "",
        "| target | measured | result |",
        "|---|---|---|",
    ]
    for t, m, r in targets(inputs, meta["sizes"]):
        lines.append(f"| {t} | {m} | **{r}** |")
    lines += [
        "",
        "## Results",
        "",
        "Each cell: median wall time · CPU time (user+system, mean) · peak RSS. Ratio = mustard median / `bsdtar -tf` median.",
        "Decompress is `gzip -dc` for .tar.gz and `xz -dc` for .tar.xz. MB = 10^6 bytes; uncompressed = size of the tar stream.",
        "",
        f"| input | format | compressed MB | uncompressed MB | `bsdtar -tf` | {dec} | `tar -xf` | `mustard analyze` | ratio |",
        "|---|---|--:|--:|---|---|---|---|--:|",
    ]
    for i in inputs:
        r = i["result"]
        lines.append(f"| {i['label']} | {i['format']} | {i['compressed'] / 1e6:.1f} | {i['uncompressed'] / 1e6:.1f} | "
                     f"{cell(r['bsdtar -tf'])} | {cell(r['decompress'])} | {cell(r['tar -xf'])} | {cell(r['mustard'])} | "
                     f"{r['ratio']:.2f}× |")
    lines += ["", "## Generated inputs", "", "| size | shape | tar MB | files | namespaces | pods | generated in |", "|---|---|--:|--:|--:|--:|--:|"]
    for s in meta["stamps"]:
        lines.append(f"| {s['size']} | {s.get('shape', 'logs')} ({s.get('failing', 0.045):g} failing) | {s['tar_bytes'] / 1e6:.1f} | {s['files']} | {s['namespaces']} | {s['pods']} | "
                     f"{s['seconds']:.0f} s{' (cached)' if s.get('reused') else ''} |")
    lines += ["", f"Benchmark run (timing only, generation excluded): {meta['bench_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def machine_meta():
    cpu = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
    osname = platform.platform(terse=True)
    try:
        osname = next(l for l in open("/etc/os-release") if l.startswith("PRETTY_NAME")).split("=", 1)[1].strip().strip('"')
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem": f"{mem_kb / 1024 / 1024:.0f} GiB", "os": osname}


def main():
    ap = argparse.ArgumentParser(description="mustard benchmark (make bench)")
    ap.add_argument("--sizes", default="100M 1G 4G",
                    help="sizes to generate and time; SIZE:SHAPE for one shape only (8G:small-files)")
    ap.add_argument("--shapes", default="logs small-files", help="generator shapes (generate.py --shape)")
    ap.add_argument("--failing", type=float, default=None,
                    help="share of failing pods in the small-files shape (default: generate.py's, 0.025: ~600 a GB)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cache", default=os.path.join(REPO, ".build-bench"))
    ap.add_argument("--mustard", default=os.path.join(REPO, ".build", "release", "mustard"))
    ap.add_argument("--real", default=REAL_DUMPS, help="folder of real *.tar.xz dumps ('' to skip)")
    ap.add_argument("--doc", default=os.path.join(REPO, "docs", "performance.md"))
    args = ap.parse_args()
    wanted = [(size, only or None) for size, _, only in (w.partition(":") for w in args.sizes.split())]
    sizes = list(dict.fromkeys(size for size, _ in wanted))
    for tool in ("hyperfine", "bsdtar", "xz", "gzip", "tar", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"[bench] {tool} is missing (make bench installs it)")
    if not os.access(args.mustard, os.X_OK):
        sys.exit(f"[bench] {args.mustard} is missing: swift build -c release --product mustard")

    t0 = time.time()
    stamps, inputs = [], []
    for shape in args.shapes.split():
        for s in [size for size, only in wanted if only in (None, shape)]:
            before = time.time()
            failing = args.failing if shape == "small-files" else None
            stamp = dict(generate.generate(s, args.seed, args.cache, shape=shape, failing=failing))
            stamp["reused"] = time.time() - before < 2
            stamps.append(stamp)
            label = s if shape == "logs" else f"{s} {shape}"
            for fmt in ("tar.gz", "tar.xz"):
                inputs.append({"kind": "generated", "label": label, "size": s, "shape": shape, "format": fmt, "path": stamp[fmt],
                               "compressed": os.path.getsize(stamp[fmt]), "uncompressed": stamp["tar_bytes"], "runs": runs_for(s)})
    gen_seconds = time.time() - t0
    for path in sorted(glob.glob(os.path.join(args.real, "*.tar.xz"))) if args.real else []:
        inputs.append({"kind": "real", "label": os.path.basename(path)[: -len(".tar.xz")], "format": "tar.xz", "path": path,
                       "compressed": os.path.getsize(path), "uncompressed": uncompressed_xz(path), "runs": 5})

    resdir = os.path.join(args.cache, "results")
    os.makedirs(resdir, exist_ok=True)
    xdir = extraction_dir(args.cache, max(i["uncompressed"] for i in inputs))
    log(f"{len(inputs)} inputs; extracting into {xdir}")
    t1 = time.time()
    try:
        for inp in inputs:
            log(f"--- {inp['label']} {inp['format']} ({inp['compressed'] / 1e6:.1f} MB → {inp['uncompressed'] / 1e6:.1f} MB), "
                f"{inp['runs']} runs")
            inp["result"] = bench_input(inp, xdir, args.mustard, resdir)
    finally:
        shutil.rmtree(xdir, ignore_errors=True)
    bench_seconds = time.time() - t1

    version = subprocess.run([args.mustard, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    hf_version = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.split()[-1]
    meta = dict(machine_meta(), date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                version=version, commit=commit + ("+uncommitted changes" if dirty else ""), seed=args.seed,
                sizes=args.sizes, gzip_tool=", ".join(sorted({s["gzip_tool"] for s in stamps})) or "gzip",
                hyperfine=hf_version, runs=", ".join(f"{s} {runs_for(s)}" for s in sizes) + ", real dumps 5",
                xdir_kind="tmpfs (/dev/shm)" if xdir.startswith("/dev/shm") else "a folder under .build-bench",
                stamps=stamps, bench_seconds=bench_seconds)
    doc = render(inputs, meta)
    os.makedirs(os.path.dirname(args.doc), exist_ok=True)
    # The sections the other bench scripts write (user rules, explore verbs) and the figures measured by hand (after
    # a marker) are kept as they are: this script rewrites only its own, above them.
    kept = ("\n## User rules\n", "\n## Explore verbs", "\n<!-- Measured by hand below this line")
    if os.path.exists(args.doc):
        old = open(args.doc).read()
        starts = [old.index(k) for k in kept if k in old]
        if starts:
            doc = doc.rstrip("\n") + "\n\n" + old[min(starts) + 1:]
    with open(args.doc, "w") as f:
        f.write(doc)
    json.dump({"meta": {k: v for k, v in meta.items()}, "inputs": inputs}, open(os.path.join(resdir, "summary.json"), "w"), indent=2)
    print()
    print(doc)
    log(f"generation {gen_seconds:.0f} s, benchmark {bench_seconds:.0f} s; wrote {os.path.relpath(args.doc, REPO)}")


if __name__ == "__main__":
    main()
