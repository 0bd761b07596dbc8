#!/usr/bin/env bash
# Fathom's test command (the README's and CI's): builds the release `fathom` binary that the end-to-end tests run,
# then runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the build and tests need, installed only when missing: SQLite for the measurement store (GRDB links
# the system library), zlib for the gzipped IDX datasets (FathomNN's CZlib), and Fashion-MNIST itself.
need() { dpkg -s "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$1"; }; }
need libsqlite3-dev
need zlib1g-dev
need dataset-fashion-mnist || echo "dataset-fashion-mnist unavailable: Fashion-MNIST benchmarks will not run"
# ONNX Runtime for the ONNX export's equality check (scripts/onnx_check.py, run by ExportCommandTests).
if ! python3 -c "import onnx, onnxruntime" >/dev/null 2>&1; then
  python3 -m pip install -q onnx onnxruntime
fi
swift build -c release --product fathom
FATHOM_BIN="$PWD/.build/release/fathom" swift test
