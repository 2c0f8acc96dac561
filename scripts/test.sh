#!/usr/bin/env bash
# The whole test suite: installs the system packages the tests use when missing, builds once,
# then runs every test (unit tests, real sockets, real processes), and checks that the manual
# pages generate and render.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh test
swift build --build-tests
swift test --skip-build
# The manual pages generate from the commands and render (the debug build serves).
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
scripts/manuals.sh "$pages" debug
