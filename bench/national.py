#!/usr/bin/env python3
"""The national build at scale: many sources against one repository of the same size.

Generates `--sources` repositories of `--reports` reports and `--commits` commits each
(examples/synth.rs, seeds 1..N) and one repository of sources x reports reports and
sources x commits commits (seed 7), then measures, in one run:

- the single-repository build of the large repository (the baseline);
- a cold national build (empty cache: every source fetched from its file:// address);
- a warm national build (the cache up to date: nothing fetched);
- the like-for-like baseline: one repository built from the sources' own histories
  (`git fast-export`), holding what the national site shows: every source's reports and
  commits, its organisations, services and ids namespaced and its names marked, so both
  builds render the same pages.

The single and the warm national builds run interleaved (single, national, single, ...) so
that drift in the machine's speed falls on both; the sites are written to `--out-dir`
(default: tmpfs at /dev/shm where there is one), so the virtual disk's write-back does not
dominate. Prints medians over `--runs` runs (after a warm-up), peak memory, and the national
builds' ratios against the baseline. Nothing here passes or fails: it prints figures.

    python3 bench/national.py                               # 100 sources x 100 reports
    python3 bench/national.py --sources 20 --reports 50 --runs 3
"""

import argparse
import re
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
        if "error:" in stderr:
            sys.exit(f"{' '.join(command)} failed:\n{stderr}")
        if attempt == 0:
            continue
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def fast_export(repo):
    """The history of `repo`'s main branch as (committer time, author, committer, message,
    [(path, content or None)]) in order, from `git fast-export`."""
    stream = subprocess.run(["git", "-C", str(repo), "fast-export", "main"], capture_output=True, check=True).stdout
    blobs, commits, at = {}, [], 0

    def line():
        nonlocal at
        end = stream.index(b"\n", at)
        text, at = stream[at:end], end + 1
        return text

    def data(header):
        nonlocal at
        length = int(header.split()[1])
        content, at = stream[at:at + length], at + length
        if stream[at:at + 1] == b"\n":
            at += 1
        return content

    while at < len(stream):
        text = line()
        if text == b"blob":
            mark = line().split()[1]
            blobs[mark] = data(line())
        elif text.startswith(b"commit "):
            header = {}
            while True:
                text = line()
                if text.startswith(b"data "):
                    message = data(text)
                    break
                key, _, value = text.partition(b" ")
                header[key] = value
            ops = []
            while at < len(stream) and not stream[at:at + 1] == b"\n" and not stream.startswith((b"commit ", b"reset ", b"blob"), at):
                text = line()
                if text.startswith(b"M "):
                    _, _, mark, path = text.split(b" ", 3)
                    ops.append((path.decode(), blobs[mark]))
                elif text.startswith(b"D "):
                    ops.append((text[2:].decode(), None))
            committer = header[b"committer"]
            commits.append((int(committer.split()[-2]), header[b"author"], committer, message, ops))
    return commits


def merged_repository(sources, target):
    """One repository holding what the national site shows: every source's reports and
    history, with its organisations, services and report ids put in the source's namespace
    (`agency-1-eid-app`; a single repository's keys cannot hold `--`) and its names marked
    with the source, as the national build does. The like-for-like baseline."""
    if (target / "candor.yaml").exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    organisations, services, commits = [], [], []
    for name, repo, _ in sources:
        config = subprocess.run(["git", "-C", str(repo), "show", "main:candor.yaml"], capture_output=True, text=True, check=True).stdout
        section = None
        for text in config.splitlines():
            if not text.startswith(" "):
                section = text.split(":")[0]
                continue
            if section not in ("organisations", "services"):
                continue
            key, _, rest = text.strip().partition(": ")
            rest = re.sub(r'(da|en): "([^"]*)"', lambda m: f'{m[1]}: "{m[2]} ({name})"', rest)
            rest = re.sub(r"organisation: ([a-z0-9-]+)", lambda m: f"organisation: {name}-{m[1]}", rest)
            (organisations if section == "organisations" else services).append(f"  {name}-{key}: {rest}")

        def report(content, name=name):
            text = content.decode()
            text = re.sub(r"^id: (.*)$", lambda m: f"id: {m[1]}-{name}", text, count=1, flags=re.M)
            text = re.sub(r"^organisation: (.*)$", lambda m: f"organisation: {name}-{m[1]}", text, count=1, flags=re.M)
            text = re.sub(r"^services: \[(.*)\]$", lambda m: "services: [" + ", ".join(f"{name}-{s.strip()}" for s in m[1].split(",")) + "]", text, count=1, flags=re.M)
            return text.encode()

        for time_, author, committer, message, ops in fast_export(repo):
            renamed = []
            for path, content in ops:
                if not path.startswith("incidents/"):
                    continue
                folder, _, file = path.rpartition("/")
                new_path = f"incidents/{name}/{folder[len('incidents/'):]}/{file[:-len('.yaml')]}-{name}.yaml"
                renamed.append((new_path, None if content is None else report(content)))
            if renamed:
                commits.append((time_, author, committer, message, renamed))
    commits.sort(key=lambda c: c[0])
    config = ("site:\n  title: {da: \"Nationalt overblik\", en: \"National view\"}\n  base_url: https://national.example.org/\n"
              "  languages: [da, en]\norganisations:\n" + "\n".join(organisations) + "\nservices:\n" + "\n".join(services) + "\n").encode()
    out = bytearray()

    def inline(path, content):
        out.extend(f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n")

    first = commits[0][2].rsplit(b" ", 2)
    out.extend(b"commit refs/heads/main\ncommitter " + first[0] + b" " + str(commits[0][0] - 1).encode() + b" " + first[2] + b"\ndata 14\nOne repository\n")
    inline("candor.yaml", config)
    for _, author, committer, message, ops in commits:
        out.extend(b"commit refs/heads/main\nauthor " + author + b"\ncommitter " + committer + b"\n" + f"data {len(message)}\n".encode() + message + b"\n")
        for path, content in ops:
            if content is None:
                out.extend(f"D {path}\n".encode())
            else:
                inline(path, content)
    target.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input=bytes(out), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return target


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
    merged = merged_repository(sources, work / f"merged-{args.sources}x{args.reports}x{args.commits}")
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
    same = [str(candor), "build", "--repo", str(merged), "--out", str(outs / "merged"), "--today", TODAY, "--quiet"]
    reports = args.sources * args.reports
    rows = []
    cold_time, cold_peak = median_run(national, work, args.runs, before=empty_cache)
    # Interleaved: single, same content, warm national, ... (the first of each is the
    # warm-up); the cold runs above left the cache up to date.
    measured = {"single": ([], []), "merged": ([], []), "warm": ([], [])}
    for attempt in range(args.runs + 1):
        for key, command in (("single", baseline), ("merged", same), ("warm", national)):
            seconds, peak, stderr = run_once(command, work, False, capture=True)
            if "error:" in stderr:
                sys.exit(f"{' '.join(command)} failed:\n{stderr}")
            if attempt > 0:
                measured[key][0].append(seconds)
                measured[key][1].append(peak)
    base_time, base_peak = statistics.median(measured["single"][0]), max(measured["single"][1])
    warm_time, warm_peak = statistics.median(measured["warm"][0]), max(measured["warm"][1])
    same_time, same_peak = statistics.median(measured["merged"][0]), max(measured["merged"][1])
    rows.append((f"single repository, {reports:,} reports, {args.sources * args.commits:,} commits", base_time, base_peak))
    rows.append(("one repository with the national site's content (every source's reports, history, organisations and services, namespaced)", same_time, same_peak))
    rows.append((f"national, cold: {args.sources} sources x {args.reports} reports, fetched from file://", cold_time, cold_peak))
    rows.append(("national, warm: the cache up to date", warm_time, warm_peak))

    print(f"\n{args.sources} sources x {args.reports} reports x {args.commits} commits; medians of {args.runs} runs after a warm-up\n")
    print("| Build | time | peak memory | time / single | memory / single | time / same content | memory / same content |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, seconds, peak in rows:
        print(f"| {label} | {seconds:.2f} s | {peak:.0f} MiB | {seconds / base_time:.2f}x | {peak / base_peak:.2f}x | {seconds / same_time:.2f}x | {peak / same_peak:.2f}x |")
    files = lambda folder: sum(1 for p in folder.rglob("*") if p.is_file())
    size = lambda folder: sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"\nfiles written: single {files(outs / 'single'):,} ({size(outs / 'single') / 1e6:,.0f} MB), same content {files(outs / 'merged'):,} ({size(outs / 'merged') / 1e6:,.0f} MB), national {files(out):,} ({size(out) / 1e6:,.0f} MB)")
    for label, command in (("single", baseline), ("same content", same), ("national", national)):
        _, _, stderr = run_once(command + ["--timings"], work, False, capture=True)
        phases = [line for line in stderr.splitlines() if " s" in line and ":" in line]
        print(f"phases, {label}: " + "; ".join(phases))


if __name__ == "__main__":
    main()
