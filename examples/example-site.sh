#!/usr/bin/env bash
# The main job on the bundled examples: build the example reports repository with its
# history (examples/example-repo.sh), then build its public site into OUT (default: site/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-site}"
"$root/examples/example-repo.sh" "$root/target/example-reports"
cargo run --quiet --release --locked --manifest-path "$root/Cargo.toml" -- \
  build --repo "$root/target/example-reports" --out "$out"
