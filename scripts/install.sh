#!/usr/bin/env bash
# Builds usher in release mode and installs it as /usr/local/bin/usher (as root) or
# ~/.local/bin/usher (otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1; then
  echo "usher: a Swift 6.2 (or newer) toolchain is needed: https://www.swift.org/install/linux/" >&2
  exit 1
fi
scripts/system-packages.sh run
swift build -c release --product usher
if [ "$(id -u)" -eq 0 ]; then target=/usr/local/bin; else target="$HOME/.local/bin"; mkdir -p "$target"; fi
install -m 0755 "$(swift build -c release --show-bin-path)/usher" "$target/usher"
echo "usher: installed $target/usher" >&2
case ":$PATH:" in *":$target:"*) ;; *) echo "usher: add $target to PATH" >&2 ;; esac
