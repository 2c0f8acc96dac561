#!/usr/bin/env bash
# Writes usher's manual pages into a folder: one page per command (usher(1), usher-serve(1),
# usher-rules-ls(1)…), generated from the commands' own help by swift-argument-parser's
# generate-manual plugin, then checks that man renders each one without a warning.
#
# usage: scripts/manuals.sh FOLDER [release|debug]
#   release (the default) builds what scripts/install.sh installs; debug reuses a test build.
set -euo pipefail
cd "$(dirname "$0")/.."
output=${1:?usage: scripts/manuals.sh FOLDER [release|debug]}
configuration=${2:-release}
case "$configuration" in release|debug) ;; *) echo "manuals.sh: build configuration '$configuration' is not release or debug" >&2; exit 64 ;; esac
command -v man >/dev/null || { echo "manuals.sh: needs man (apt-get install man-db)" >&2; exit 69; }

swift package generate-manual --configuration "$configuration" --multi-page --authors "the usher authors" >&2
generated=.build/plugins/GenerateManual/outputs/usher
mkdir -p "$output"
count=0
for page in "$generated"/*.1; do
  # usher.rules.ls.1 becomes usher-rules-ls.1 (man usher-rules-ls), its title and references too;
  # a blank line, a paragraph break to groff only with a warning, becomes .Pp.
  name=$(basename "$page" .1)
  target="$output/${name//./-}.1"
  awk '/^\.(Dt|Xr) / { head = $1; rest = substr($0, length($1) + 2); gsub(/\./, "-", rest); print head " " rest; next } /^$/ { print ".Pp"; next } { print }' \
    "$page" > "$target"
  warnings=$(MANWIDTH=80 man --warnings -l -P cat "$target" 2>&1 >/dev/null) || { echo "manuals.sh: man cannot render $target" >&2; exit 1; }
  [ -z "$warnings" ] || { echo "manuals.sh: $target: $warnings" >&2; exit 1; }
  rendered=$(MANWIDTH=80 man -l -P cat "$target" 2>/dev/null)
  case "$rendered" in *NAME*SYNOPSIS*) ;; *) echo "manuals.sh: $target renders without NAME and SYNOPSIS" >&2; exit 1 ;; esac
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "manuals.sh: the plugin wrote no page" >&2; exit 1; }
echo "manuals.sh: $count pages in $output, each rendered by man" >&2
