#!/usr/bin/env bash
# Builds usher in release mode and installs, as root under /usr/local (otherwise under ~/.local):
#   bin/usher                                  the command
#   share/man/man1/usher*.1                    a manual page per command (man usher-serve)
#   bash, zsh and fish completions             usher <Tab>
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1; then
  echo "usher: a Swift 6.2 (or newer) toolchain is needed: https://www.swift.org/install/linux/" >&2
  exit 1
fi
scripts/system-packages.sh run
swift build -c release --product usher
binary="$(swift build -c release --show-bin-path)/usher"

if [ "$(id -u)" -eq 0 ]; then
  prefix=/usr/local
  bash_completions=/usr/local/share/bash-completion/completions
  zsh_completions=/usr/local/share/zsh/site-functions
  fish_completions=/usr/local/share/fish/vendor_completions.d
else
  prefix="$HOME/.local"
  bash_completions="$HOME/.local/share/bash-completion/completions"
  zsh_completions="$HOME/.local/share/zsh/site-functions"
  fish_completions="$HOME/.config/fish/completions"
fi
install -d "$prefix/bin" "$prefix/share/man/man1" "$bash_completions" "$zsh_completions" "$fish_completions"
install -m 0755 "$binary" "$prefix/bin/usher"
echo "usher: installed $prefix/bin/usher ($("$binary" --version))" >&2

pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
scripts/manuals.sh "$pages" release
install -m 0644 "$pages"/*.1 "$prefix/share/man/man1/"
command -v mandb >/dev/null && mandb -q "$prefix/share/man" 2>/dev/null || true
echo "usher: installed the manual pages in $prefix/share/man/man1 (man usher, man usher-serve)" >&2

"$binary" --generate-completion-script bash > "$bash_completions/usher"
"$binary" --generate-completion-script zsh > "$zsh_completions/_usher"
"$binary" --generate-completion-script fish > "$fish_completions/usher.fish"
echo "usher: installed completions for bash, zsh and fish" >&2

case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "usher: add $prefix/bin to PATH" >&2 ;; esac
if [ "$(id -u)" -ne 0 ]; then
  echo "usher: for zsh, add $zsh_completions to fpath before compinit" >&2
fi
