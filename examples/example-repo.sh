#!/usr/bin/env bash
# Builds the bundled example reports repository, with its history, in DIR (default:
# target/example-reports).
#
# The example reports in incidents/ and candor.yaml are the current state of a fictional
# agencies' reports repository. examples/history.mbox holds how they got there: each report
# first published as preliminary, then final, actions marked done or moved, one final report
# that came late and one preliminary report that came late, each commit back-dated to when it
# happened. Replaying it gives the site a realistic revision history, independent of this
# project's own development history.
#
# To change an example: build the repository, commit the change in it with the date it
# should carry (GIT_AUTHOR_DATE=... GIT_COMMITTER_DATE=... git commit), copy the changed files
# back to incidents/, and write the series again with
#   git -C target/example-reports format-patch --root --no-signature --stdout main > examples/history.mbox
# A test checks that the replayed repository ends with exactly incidents/ and candor.yaml.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/target/example-reports}"
marker=".git/candor-example"
if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
  if [ -f "$dir/$marker" ]; then
    rm -rf "$dir"
  else
    echo "error: $dir is not empty and was not made by this script; choose another folder" >&2
    exit 2
  fi
fi
mkdir -p "$dir"
cd "$dir"
git init --quiet --initial-branch=main .
touch "$marker"
git -c user.name="Example agencies" -c user.email="reports@example.dk" -c commit.gpgsign=false \
  am --quiet --committer-date-is-author-date < "$root/examples/history.mbox"
echo "example reports repository with $(git rev-list --count HEAD) commits in $dir"
