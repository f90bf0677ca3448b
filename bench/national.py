#!/usr/bin/env python3
"""The national build at scale: many sources against one repository of the same size.

Generates `--sources` repositories of `--reports` reports and `--commits` commits each
(examples/synth.rs, seeds 1..N) and one repository of sources x reports reports and
sources x commits commits (seed 7), then measures, in one run:

- the single-repository build of the large repository (the baseline);
- a cold national build (empty cache: every source fetched from its file:// address);
- a warm national build (the cache up to date: nothing fetched).

The single and the warm national builds run interleaved (single, national, single, ...) so
that drift in the machine's speed falls on both; the sites are written to `--out-dir`
(default: tmpfs at /dev/shm where there is one), so the virtual disk's write-back does not
dominate. Prints medians over `--runs` runs (after a warm-up), peak memory, and the national
builds' ratios against the baseline. Nothing here passes or fails: it prints figures.

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
    parser.add_argument("--out-dir", default="/dev/shm/candor-bench-national" if Path("/dev/shm").is_dir() else None,
                        help="where the sites are written (default: tmpfs)")
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
    outs = Path(args.out_dir) if args.out_dir else work
    outs.mkdir(parents=True, exist_ok=True)
    out = outs / "national"

    def empty_cache():
        shutil.rmtree(cache, ignore_errors=True)

    national = [str(candor), "build", "--sources", str(sources_file), "--cache", str(cache), "--out", str(out), "--today", TODAY, "--quiet"]
    baseline = [str(candor), "build", "--repo", str(single), "--out", str(outs / "single"), "--today", TODAY, "--quiet"]
    reports = args.sources * args.reports
    rows = []
    # Interleaved: single, warm national, single, warm national, ... (the first of each is the
    # warm-up).
    measured = {"single": ([], []), "warm": ([], [])}
    for attempt in range(args.runs + 1):
        for key, command in (("single", baseline), ("warm", national)):
            seconds, peak, stderr = run_once(command, work, False, capture=True)
            if "error" in stderr:
                print(stderr, file=sys.stderr)
            if attempt > 0:
                measured[key][0].append(seconds)
                measured[key][1].append(peak)
    base_time, base_peak = statistics.median(measured["single"][0]), max(measured["single"][1])
    warm_time, warm_peak = statistics.median(measured["warm"][0]), max(measured["warm"][1])
    cold_time, cold_peak = median_run(national, work, args.runs, before=empty_cache)
    rows.append((f"single repository, {reports:,} reports, {args.sources * args.commits:,} commits", base_time, base_peak))
    rows.append((f"national, cold: {args.sources} sources x {args.reports} reports, fetched from file://", cold_time, cold_peak))
    rows.append(("national, warm: the cache up to date", warm_time, warm_peak))

    print(f"\n{args.sources} sources x {args.reports} reports x {args.commits} commits; medians of {args.runs} runs after a warm-up\n")
    print("| Build | time | peak memory | time / single | memory / single |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds, peak in rows:
        print(f"| {label} | {seconds:.2f} s | {peak:.0f} MiB | {seconds / base_time:.2f}x | {peak / base_peak:.2f}x |")
    files = lambda folder: sum(1 for p in folder.rglob("*") if p.is_file())
    size = lambda folder: sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"\nfiles written: single {files(outs / 'single'):,} ({size(outs / 'single') / 1e6:,.0f} MB), national {files(out):,} ({size(out) / 1e6:,.0f} MB)")
    for label, command in (("single", baseline), ("national", national)):
        _, _, stderr = run_once(command + ["--timings"], work, False, capture=True)
        phases = [line for line in stderr.splitlines() if " s" in line and ":" in line]
        print(f"phases, {label}: " + "; ".join(phases))


if __name__ == "__main__":
    main()
