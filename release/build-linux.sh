#!/usr/bin/env bash
# Builds Candor's Linux x86_64 release binary as the release workflow does, reproducibly
# (paths remapped, SOURCE_DATE_EPOCH from the commit, the locked dependencies), prints its
# checksum, and shows that it needs nothing else: it runs in an empty root holding only the
# binary and a reports repository. Usage: release/build-linux.sh [OUT_DIR] (default: dist/).
# The release builds for the musl target; where that target is not installed, this script
# links glibc statically instead (same result: no shared library at all).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:-dist}"
mkdir -p "$out"
if rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl; then
  target=x86_64-unknown-linux-musl
else
  target=x86_64-unknown-linux-gnu
fi
export CANDOR_COMMIT="$(git rev-parse HEAD)"
export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
# The getrandom system call only: a static binary cannot look up the C library's wrapper at
# run time, and the fallback, /dev/urandom, is absent from an empty root (Linux 3.17 or later).
export RUSTFLAGS="-C target-feature=+crt-static --cfg getrandom_backend=\"linux_getrandom\" --remap-path-prefix=$root=/candor --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
echo "== building candor for $target (static)"
cargo build --release --locked --target "$target" --target-dir target/release-static
binary="target/release-static/$target/release/candor"
cp "$binary" "$out/candor"
echo "== the binary"
file "$out/candor" 2>/dev/null || true
# A dynamically linked program names its libraries in NEEDED entries and an interpreter.
if readelf --dynamic "$out/candor" | grep -q NEEDED || readelf --program-headers "$out/candor" | grep -q INTERP; then
  echo "error: the binary needs shared libraries:" >&2
  readelf --dynamic "$out/candor" | grep NEEDED >&2
  exit 1
fi
echo "no shared libraries and no dynamic loader (readelf: no NEEDED, no INTERP)"
(cd "$out" && sha256sum candor)

echo "== running it in an empty root"
jail="$(mktemp -d)"
trap 'rm -rf "$jail"' EXIT
cp "$out/candor" "$jail/candor"
examples/example-repo.sh "$jail/reports" >/dev/null
rm -f "$jail/reports/.git/hooks/"*.sample
run_jailed() {
  if [ "$(id -u)" = 0 ]; then
    chroot "$jail" /candor "$@"
  else
    unshare --map-root-user --root="$jail" /candor "$@"
  fi
}
ls -A "$jail"
run_jailed --version
run_jailed check --repo /reports --today 2026-12-01 --quiet || [ $? -eq 1 ]
run_jailed build --repo /reports --today 2026-12-01 --out /site --quiet
echo "built $(find "$jail/site" -name '*.html' | wc -l) pages in the empty root"
