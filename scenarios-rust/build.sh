#!/usr/bin/env bash
# Builds the Rust twins offline with Debian's toolchain and crate sources (what .ci/run installs):
#   apt-get install rustc cargo librust-hyper-dev librust-tokio-dev librust-hmac-dev \
#     librust-sha2-dev librust-serde-json-dev
# Debian's cargo is called by its path and given Debian's rustc: a rustup toolchain earlier on PATH
# would build against crate sources it was not packaged for. Output: dist/rust/release/<scenario>-<variant>.
# Environment: LEAKBENCH_CARGO / LEAKBENCH_RUSTC override the tools; CARGO_BUILD_JOBS limits jobs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cargo="${LEAKBENCH_CARGO:-/usr/bin/cargo}"
rustc="${LEAKBENCH_RUSTC:-/usr/bin/rustc}"
for tool in "$cargo" "$rustc"; do
  if [ ! -x "$tool" ]; then
    echo "build-rust: $tool is missing: apt-get install rustc cargo librust-hyper-dev librust-tokio-dev librust-hmac-dev librust-sha2-dev librust-serde-json-dev" >&2
    exit 2
  fi
done
if [ ! -d /usr/share/cargo/registry ]; then
  echo "build-rust: /usr/share/cargo/registry is missing: apt-get install librust-hyper-dev librust-tokio-dev librust-hmac-dev librust-sha2-dev librust-serde-json-dev" >&2
  exit 2
fi
cd "$here"
RUSTC="$rustc" CARGO_TARGET_DIR="$here/../dist/rust" "$cargo" build --release "$@"
echo "build-rust: twins in dist/rust/release/"
