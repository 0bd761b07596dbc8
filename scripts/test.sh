#!/usr/bin/env bash
# Fathom's test command (the README's and CI's): builds the release `fathom` binary that the end-to-end tests run,
# then runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fathom
FATHOM_BIN="$PWD/.build/release/fathom" swift test
