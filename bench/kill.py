#!/usr/bin/env python3
"""Kill -9 a build of many reports at random moments, many times over, and check each time that
the previous site is complete (its manifest verifies) and that the next build cleans up.

    python3 bench/kill.py --reports 5000 --rounds 50
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def verify(site):
    manifest = json.loads((site / "manifest.json").read_text())
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and str(p.relative_to(site)) != "manifest.json")
    if files != sorted(manifest["files"]):
        return f"{len(files)} files on disk, {len(manifest['files'])} in the manifest"
    for name in files:
        if hashlib.sha256((site / name).read_bytes()).hexdigest() != manifest["files"][name]:
            return f"{name} does not match the manifest"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", default="/tmp/candor-kill")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "candor", "--example", "synth"], cwd=ROOT, check=True)
    candor = ROOT / "target/release/candor"
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    repo = work / "repo"
    subprocess.run([str(ROOT / "target/release/examples/synth"), "--reports", str(args.reports), "--commits", "200", "--out", str(repo)], check=True)
    out = work / "out"
    site = out / "site"
    command = [str(candor), "build", "--today", "2026-12-01", "--quiet", "--out", str(site)]
    started = time.monotonic()
    subprocess.run(command, cwd=repo, check=True)
    duration = time.monotonic() - started
    print(f"a full build of {args.reports} reports takes {duration:.2f} s; killing builds at random moments in it")
    problem = verify(site)
    assert problem is None, problem
    rng = random.Random(args.seed)
    killed = finished = 0
    for round_number in range(args.rounds):
        process = subprocess.Popen(command, cwd=repo)
        time.sleep(rng.uniform(0, duration * 1.1))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        else:
            finished += 1
        process.wait()
        problem = verify(site)
        if problem:
            print(f"round {round_number}: the site is broken: {problem}")
            sys.exit(1)
    subprocess.run(command, cwd=repo, check=True)
    leftovers = [p.name for p in out.iterdir() if p.name != "site"]
    problem = verify(site)
    print(f"{args.rounds} rounds: {killed} builds killed, {finished} finished first; the site verified after every round; leftovers after the next build: {leftovers or 'none'}")
    if problem or leftovers:
        sys.exit(1)


if __name__ == "__main__":
    main()
