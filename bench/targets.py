#!/usr/bin/env python3
"""Every performance target of the project measured in one sitting, printed as one Markdown
table (figure, target, met or not) with the machine it ran on, ready for bench/RESULTS.md.

It runs, one after the other on the same machine: bench/run.py at 10,000 reports (check
against `cat` and the YAML parser alone, the full build against Hugo), bench/changed_since.py,
bench/incremental.py (the incremental build against the full build, and `candor serve`), the
history pass of builds without its cache against `git log -p`, and with `--large` a full
build at 100,000 reports (peak memory, the largest page). Nothing passes or fails: the exit status is 0
whatever the figures, which vary by a tenth or more between sittings on a shared machine.

    python3 bench/targets.py                         # 10,000 reports, 3 runs each: ~10 minutes
    python3 bench/targets.py --large 100000          # and two builds at 100,000: ~6 minutes more
    python3 bench/targets.py --runs 5 --check-jsonschema

Generated repositories are kept in --work and reused (examples/synth.rs, seed 7).
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import changed_since  # noqa: E402  (the benchmarks this one gathers)
import incremental  # noqa: E402
import run  # noqa: E402

MIB = 1024 * 1024


def machine():
    """One line on where the figures come from: cores, processor, memory, kernel, compiler."""
    model = "unknown processor"
    memory = "unknown memory"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / MIB:.0f} GiB memory"
                break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({model}), {memory}, Linux {platform.release()}, {rustc}"


def commit():
    """The commit measured, marked when the work tree has changes beyond it."""
    head = subprocess.run(["git", "-C", str(run.ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(run.ROOT), "status", "--porcelain", "--", "src", "Cargo.toml",
                            "Cargo.lock", "templates"], capture_output=True, text=True).stdout.strip()
    return head + (" with uncommitted changes" if dirty else "")


def cold_history(candor, synth, work, runs, seed):
    """The median time of the history pass in a build without its cache (removed before each
    run), and of `git log -p -M`, interleaved, on the repository of 10,000 reports."""
    repo, _ = run.generate(synth, work, 10000, 4000, seed)
    site = work / "site-cold-history"
    passes, logs = [], []
    for attempt in range(runs + 1):
        shutil.rmtree(repo / ".git" / "candor", ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        _, _, stderr = run.run_once([str(candor), "build", "--today", run.TODAY, "--out", str(site), "--timings"],
                                    repo, False, capture=True)
        seconds, _, _ = run.run_once("git log -p -M > /dev/null", repo, True)
        if attempt:
            passes.append(incremental.build_phases(stderr)["history"])
            logs.append(seconds)
    shutil.rmtree(site, ignore_errors=True)
    return statistics.median(passes), statistics.median(logs)


def large_build(candor, synth, work, reports, seed):
    """Two builds of `reports` reports with 4,000 commits into a new folder, the first without
    the history's cache and the second with it: seconds and peak MiB of each, then files and
    the largest HTML page (bytes, path) of the second."""
    repo, _ = run.generate(synth, work, reports, 4000, seed)
    site = work / f"site-{reports}"
    shutil.rmtree(repo / ".git" / "candor", ignore_errors=True)
    builds = []
    for _ in range(2):
        shutil.rmtree(site, ignore_errors=True)
        seconds, peak, _ = run.run_once([str(candor), "build", "--today", run.TODAY, "--out", str(site), "--quiet"],
                                        repo, False)
        builds.append((seconds, peak))
    files = 0
    largest = (0, "")
    for path in site.rglob("*"):
        if path.is_file():
            files += 1
            if path.suffix == ".html":
                largest = max(largest, (path.stat().st_size, str(path.relative_to(site))))
    shutil.rmtree(site, ignore_errors=True)
    return builds, files, largest


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="measured runs of each command (after one warm-up)")
    parser.add_argument("--large", type=int, default=0, help="also build this many reports once (100000 for the target)")
    parser.add_argument("--check-jsonschema", action="store_true", help="also time check-jsonschema (minutes)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", default="/tmp/candor-bench")
    parser.add_argument("--sites", default="/dev/shm/candor-bench-incremental",
                        help="where the incremental benchmark writes its sites (tmpfs by default)")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    work = Path(args.work)

    rows = run.measure_sizes(argparse.Namespace(
        sizes="10000", runs=args.runs, commits=4000, comparison_runs=1, comparison_max=10000,
        seed=args.seed, work=args.work, check_jsonschema=args.check_jsonschema))
    figure = {label.strip(): (seconds, peak) for _, label, seconds, peak, _ in rows}
    print()
    since = changed_since.measure(argparse.Namespace(
        reports=10000, commits=4000, seed=args.seed, runs=max(args.runs, 9), work=args.work))
    print()
    edited = incremental.measure(argparse.Namespace(
        reports=10000, commits=4000, seed=args.seed, runs=args.runs, serve_runs=args.runs,
        work=args.work, sites=args.sites, base=None))
    candor, synth = run.build_tools()
    history = cold_history(candor, synth, work, args.runs, args.seed)
    large = large_build(candor, synth, work, args.large, args.seed) if args.large else None

    cat, parser_alone, check = (figure[k] for k in ("cat (floor)", "YAML parser alone (saphyr events)", "candor check"))
    build = figure["candor build"]
    hugo = figure.get("hugo (same reports as Markdown)")
    builds = edited["builds"].get("this")

    table = []

    def target(name, result, met):
        table.append((name, result, "yes" if met else "no"))

    target("`check` at most 1.2× the YAML parser alone",
           f"{check[0] / parser_alone[0]:.2f}× ({check[0]:.3f} s against {parser_alone[0]:.3f} s)",
           check[0] <= 1.2 * parser_alone[0])
    target("`check` at most 3× `cat` (first round)",
           f"{check[0] / cat[0]:.2f}× ({check[0]:.3f} s against {cat[0]:.3f} s; the parser alone is "
           f"{parser_alone[0] / cat[0]:.2f}×)", check[0] <= 3 * cat[0])
    if hugo:
        target("full `build` at most 0.4× Hugo's time",
               f"{build[0] / hugo[0]:.2f}× ({build[0]:.2f} s against {hugo[0]:.2f} s)", build[0] <= 0.4 * hugo[0])
        target("full `build` at most 0.15× Hugo's memory",
               f"{build[1] / hugo[1]:.2f}× ({build[1]:.0f} MiB against {hugo[1]:.0f} MiB)", build[1] <= 0.15 * hugo[1])
    target("full `build` peak memory under 250 MiB", f"{build[1]:.0f} MiB", build[1] < 250)
    target("history pass (no cache) at most 2× `git log -p -M`",
           f"{history[0] / history[1]:.2f}× ({history[0]:.3f} s against {history[1]:.3f} s)",
           history[0] <= 2 * history[1])
    target("`check --changed-since HEAD`, 2 files changed, under 0.1 s",
           f"{since['check']:.3f} s ({since['check'] / since['status']:.1f}× `git status`)", since["check"] < 0.1)
    if builds:
        ratio = builds["incremental"] / builds["full"]
        target("incremental build after one edited summary at most 0.1× the full build",
               f"{ratio:.2f}× ({builds['incremental']:.2f} s against {builds['full']:.2f} s; "
               f"{builds['kept']} of {builds['files']} files kept)", ratio <= 0.1)
        target("incremental build peak memory under 250 MiB", f"{builds['incremental_peak']:.0f} MiB",
               builds["incremental_peak"] < 250)
    if edited["serve"]:
        latency = statistics.median(edited["serve"])
        target("`candor serve` shows an edit in under 1 s",
               f"{latency:.2f} s (of {', '.join(f'{s:.2f}' for s in edited['serve'])})", latency < 1)
    if large:
        builds, files, (largest, page) = large
        (cold_seconds, cold_peak), (warm_seconds, warm_peak) = builds
        target(f"full `build` peak memory at {args.large:,} reports under 1 GiB",
               f"{cold_peak:.0f} MiB without the history's cache ({cold_seconds:.0f} s), {warm_peak:.0f} MiB "
               f"with it ({warm_seconds:.0f} s); {files:,} files", max(cold_peak, warm_peak) < 1024)
        target(f"no page over 2 MB at {args.large:,} reports",
               f"largest {largest / 1e6:.2f} MB ({page})", largest <= 2_000_000)

    print(f"\n### Targets, {started:%Y-%m-%d}, commit {commit()}\n")
    print(f"{machine()}; `python3 bench/targets.py --runs {args.runs}"
          f"{f' --large {args.large}' if args.large else ''}`, medians of {args.runs} runs after a warm-up "
          f"(changed-since: {max(args.runs, 9)}); 10,000 reports, seed {args.seed}, 4,000 commits for the builds.\n")
    print("| Target | Result | Met? |")
    print("|---|---|---|")
    for name, result, met in table:
        print(f"| {name} | {result} | {met} |")


if __name__ == "__main__":
    main()
