#!/usr/bin/env bash
# The whole test suite: installs the system packages the tests use when missing, builds once,
# then runs every test (unit tests, real sockets, real processes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh test
swift build --build-tests
swift test --skip-build
