#!/usr/bin/env python3
"""The national build at scale: many sources against one repository of the same size.

Generates `--sources` repositories of `--reports` reports and `--commits` commits each
(examples/synth.rs, seeds 1..N) and one repository of sources x reports reports and
sources x commits commits (seed 7), then measures, in one run:

- the single-repository build of the large repository (the baseline);
- a cold national build (empty cache: every source fetched from its file:// address);
- a warm national build (the cache up to date: nothing fetched).

Prints medians over `--runs` runs (after a warm-up), peak memory, and the national builds'
ratios against the baseline. Nothing here passes or fails: it prints figures.

    python3 bench/national.py                               # 100 sources x 100 reports
    python3 bench/national.py --sources 20 --reports 50 --runs 3
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import TODAY, build_tools, generate, run_once  # noqa: E402


def median_run(command, cwd, runs, before=None):
    """Median seconds and highest peak RSS (MiB) of `runs` runs after one warm-up; `before`
    runs ahead of each (uncounted), e.g. to empty the cache for a cold build."""
    times, peaks = [], []
    for attempt in range(runs + 1):
        if before:
            before()
        seconds, peak, stderr = run_once(command, cwd, False, capture=True)
        if attempt == 0:
            if "error" in stderr:
                print(stderr, file=sys.stderr)
            continue
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--reports", type=int, default=100, help="reports per source")
    parser.add_argument("--commits", type=int, default=40, help="commits per source")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/candor-bench-national")
    args = parser.parse_args()

    candor, synth = build_tools()
    work = Path(args.work)
    started = time.monotonic()
    sources = []
    for index in range(1, args.sources + 1):
        repo, _ = generate(synth, work / "sources", args.reports, args.commits, index)
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        sources.append((f"agency-{index}", repo, commit))
    single, _ = generate(synth, work, args.sources * args.reports, args.sources * args.commits, 7)
    print(f"generated in {time.monotonic() - started:.0f} s", file=sys.stderr)

    sources_file = work / "candor.national.yaml"
    lines = [
        "site: {title: {da: Nationalt overblik, en: National view}, base_url: https://national.example.org/, languages: [da, en]}",
        "sources:",
    ]
    for name, repo, commit in sources:
        lines.append(f"  - {{name: {name}, git: \"file://{repo}\", revision: \"{commit}\"}}")
    sources_file.write_text("\n".join(lines) + "\n")
    cache = work / "cache"
    out = work / "out"

    def empty_cache():
        shutil.rmtree(cache, ignore_errors=True)

    national = [str(candor), "build", "--sources", str(sources_file), "--cache", str(cache), "--out", str(out), "--today", TODAY, "--quiet"]
    baseline = [str(candor), "build", "--repo", str(single), "--out", str(work / "single-out"), "--today", TODAY, "--quiet"]
    reports = args.sources * args.reports
    rows = []
    base_time, base_peak = median_run(baseline, work, args.runs)
    rows.append((f"single repository, {reports:,} reports, {args.sources * args.commits:,} commits", base_time, base_peak))
    cold_time, cold_peak = median_run(national, work, args.runs, before=empty_cache)
    rows.append((f"national, cold: {args.sources} sources x {args.reports} reports, fetched from file://", cold_time, cold_peak))
    warm_time, warm_peak = median_run(national, work, args.runs)
    rows.append((f"national, warm: the cache up to date", warm_time, warm_peak))

    print(f"\n{args.sources} sources x {args.reports} reports x {args.commits} commits; medians of {args.runs} runs after a warm-up\n")
    print("| Build | time | peak memory | time / single | memory / single |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds, peak in rows:
        print(f"| {label} | {seconds:.2f} s | {peak:.0f} MiB | {seconds / base_time:.2f}x | {peak / base_peak:.2f}x |")


if __name__ == "__main__":
    main()
