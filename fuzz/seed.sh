#!/usr/bin/env bash
# Seed the fuzz corpora from the project's own reports and rule fixtures.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/load corpus/positions corpus/check corpus/markdown
for file in ../incidents/*/*.yaml ../tests/fixtures/rules/*/*/*.yaml ../conformance/fixtures/stress/incidents/*/*.yaml; do
  name=$(basename "$file")
  cp "$file" "corpus/load/$name"
  { printf '\x00'; cat "$file"; } > "corpus/positions/$name"
  { printf '\x01'; cat "$file"; } > "corpus/check/$name"
done
cp ../README.md corpus/markdown/readme.md
for file in ../templates/*.html; do cp "$file" "corpus/markdown/$(basename "$file").md"; done
