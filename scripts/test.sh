#!/usr/bin/env bash
# Fathom's test command (the README's and CI's): builds the release `fathom` binary that the end-to-end tests run,
# then runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
# System libraries the build needs: SQLite for the measurement store (GRDB links the system library).
if ! dpkg -s libsqlite3-dev >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq libsqlite3-dev
fi
swift build -c release --product fathom
FATHOM_BIN="$PWD/.build/release/fathom" swift test
