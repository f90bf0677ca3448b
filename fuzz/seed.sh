#!/usr/bin/env bash
# Seed the fuzz corpora from the project's own reports and rule fixtures.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/load corpus/scanner corpus/positions corpus/check corpus/markdown corpus/config corpus/figures
for file in ../incidents/*/*.yaml ../tests/fixtures/rules/*/*/*.yaml ../conformance/fixtures/stress/incidents/*/*.yaml; do
  name=$(basename "$file")
  cp "$file" "corpus/load/$name"
  cp "$file" "corpus/scanner/$name"
  { printf '\x00'; cat "$file"; } > "corpus/positions/$name"
  { printf '\x01'; cat "$file"; } > "corpus/check/$name"
done
cp ../README.md corpus/markdown/readme.md
for file in ../templates/*.html; do cp "$file" "corpus/markdown/$(basename "$file").md"; done
for file in ../candor.yaml ../tests/fixtures/rules/candor.yaml ../conformance/fixtures/stress/candor.yaml; do
  [ -f "$file" ] && cp "$file" "corpus/config/$(echo "$file" | tr '/.' '__')"
done
# Outages as bytes: "now", then (start, length, kind) records.
printf '\x80\x10\x00\x01\x10\x00\x00\x02\x01\x20\x00\x01' > corpus/figures/two-outages
