#!/usr/bin/env python3
"""Benchmarks for Candor against the floor (`cat`) and the tools people would use instead.

Generates synthetic reports repositories from a seed (examples/synth.rs), then measures each
command several times in one run and prints medians, peak memory and ratios against the
baselines measured in the same run. Nothing here is a pass/fail test: it prints figures.

    python3 bench/run.py                      # 1,000 and 10,000 reports, 5 runs each
    python3 bench/run.py --sizes 10000 --runs 7
    python3 bench/run.py --sizes 100000 --runs 3 --work /big/disk/candor-bench

Comparison tools are used when installed: `check-jsonschema` (pip install check-jsonschema).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"


def build():
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "candor", "--example", "synth"], cwd=ROOT, check=True)
    return ROOT / "target/release/candor", ROOT / "target/release/examples/synth"


def generate(synth, work, reports, commits, seed):
    name = f"reports-{reports}-commits-{commits}-seed-{seed}"
    repo = work / name
    if (repo / "candor.yaml").exists():
        return repo
    if repo.exists():
        shutil.rmtree(repo)
    work.mkdir(parents=True, exist_ok=True)
    args = [str(synth), "--reports", str(reports), "--seed", str(seed), "--out", str(repo)]
    if commits:
        args += ["--commits", str(commits)]
    started = time.monotonic()
    subprocess.run(args, check=True)
    print(f"  generated {repo} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return repo


def measure(command, cwd, runs, shell=False, warmup=True):
    """Run `command` `runs` times after one warm-up; return (median seconds, peak RSS in MiB)."""
    times, peaks = [], []
    for attempt in range(0 if warmup else 1, runs + 1):
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - started
        if attempt == 0:
            continue  # warm-up: file cache, binary pages
        times.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def corpus_bytes(repo):
    return sum(p.stat().st_size for p in (repo / "incidents").rglob("*.yaml"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated report counts")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (after one warm-up)")
    parser.add_argument("--commits", type=int, default=4000, help="commits of history for the build benchmark (0 to skip the build)")
    parser.add_argument("--comparison-runs", type=int, default=1, help="runs of the (slow) comparison tools")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", default="/tmp/candor-bench", help="where generated repositories are kept")
    args = parser.parse_args()

    candor, synth = build()
    work = Path(args.work)
    check_jsonschema = shutil.which("check-jsonschema")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        repo = generate(synth, work, size, 0, args.seed)
        megabytes = corpus_bytes(repo) / 1e6
        print(f"\n{size} reports, {megabytes:.1f} MB of YAML, {args.runs} runs each (median, peak RSS):")
        cat = measure("find incidents -name '*.yaml' -print0 | xargs -0 cat > /dev/null", repo, args.runs, shell=True)
        check = measure([str(candor), "check", "--today", TODAY, "--format", "json"], repo, args.runs)
        results = [("cat (floor)", cat), ("candor check", check)]
        if check_jsonschema:
            files = [str(p) for p in sorted((repo / "incidents").rglob("*.yaml"))]
            schema = str(ROOT / "schema/incident.schema.json")
            # Minutes per run at 10,000 reports: measured once, after candor has warmed the cache.
            results.append(("check-jsonschema", measure([check_jsonschema, "--schemafile", schema, *files], repo, args.comparison_runs, warmup=False)))
        for label, (seconds, peak) in results:
            ratio = seconds / cat[0]
            print(f"  {label:<22} {seconds:8.3f} s  {peak:8.1f} MiB  {ratio:7.2f}x cat")
            rows.append((size, label, seconds, peak, ratio))
        if check_jsonschema:
            print(f"  candor check is {results[2][1][0] / check[0]:.0f}x faster than check-jsonschema")
        if args.commits:
            history_repo = generate(synth, work, size, args.commits, args.seed)
            print(f"\n{size} reports with {args.commits} commits of history, two languages:")
            out = work / f"site-{size}"
            log_p = measure("git log -p -M > /dev/null", history_repo, args.runs, shell=True)
            log_names = measure("git log --name-status -M > /dev/null", history_repo, args.runs, shell=True)
            build = measure(f"rm -rf {out} && {candor} build --today {TODAY} --out {out} -q", history_repo, args.runs, shell=True)
            for label, (seconds, peak) in [("git log -p -M", log_p), ("git log --name-status -M", log_names), ("candor build", build)]:
                print(f"  {label:<26} {seconds:8.3f} s  {peak:8.1f} MiB  {seconds / log_p[0]:7.2f}x git log -p")
                rows.append((size, label, seconds, peak, seconds / cat[0]))
    print("\nsize,command,median_s,peak_mib,ratio_to_cat")
    for size, label, seconds, peak, ratio in rows:
        print(f"{size},{label},{seconds:.3f},{peak:.1f},{ratio:.2f}")


if __name__ == "__main__":
    main()
