#!/usr/bin/env bash
# Fathom's test command (the README's and CI's): builds the release `fathom` binary that the end-to-end tests run,
# then runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
# System libraries the build needs: SQLite for the measurement store (GRDB links the system library).
if ! dpkg -s libsqlite3-dev >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq libsqlite3-dev
fi
# zlib for the gzipped IDX datasets (FathomNN's CZlib system library), and Fashion-MNIST itself.
if ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq zlib1g-dev
fi
if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist || echo "dataset-fashion-mnist unavailable: Fashion-MNIST benchmarks will not run"
fi
# ONNX Runtime for the ONNX export's equality check (scripts/onnx_check.py, run by ExportCommandTests).
if ! python3 -c "import onnx, onnxruntime" >/dev/null 2>&1; then
  python3 -m pip install -q onnx onnxruntime
fi
swift build -c release --product fathom
FATHOM_BIN="$PWD/.build/release/fathom" swift test
