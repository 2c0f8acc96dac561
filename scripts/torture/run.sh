#!/usr/bin/env bash
# The torture suite: every scenario against a release build of usher, on loopback only, each
# promise with what was measured and whether it was kept. Prints the table and writes it, with
# the machine it ran on, to docs/reliability.md.
#
# usage: scripts/torture/run.sh [--small] [--no-write] [SCENARIO...]
#   --small     seconds, not minutes (what the test suite runs)
#   --no-write  print the table only
#   SCENARIO    peers, fds, silent, integrity, stop, control, flood, chaos, soak (default: all)
# Environment: USHER (an usher binary: skips the build), DURATION (the flood's and chaos's
# seconds, 30), SOAK_SECONDS (600). A full run takes about 17 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
write=1
scenarios=()
for argument in "$@"; do
  case "$argument" in
    --small) export SCALE=small ;;
    --no-write) write=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    peers|fds|silent|integrity|stop|control|flood|chaos|soak) scenarios+=("$argument") ;;
    *) echo "run.sh: '$argument' is not a scenario (peers, fds, silent, integrity, stop, control, flood, chaos, soak) or an option" >&2; exit 64 ;;
  esac
done
[ ${#scenarios[@]} -eq 0 ] && scenarios=(peers fds silent integrity stop control flood chaos soak)
command -v python3 >/dev/null || { echo "run.sh: needs python3 (apt-get install python3)" >&2; exit 69; }
if [ -z "${USHER:-}" ]; then
  swift build -c release --product usher >&2
  export USHER="$PWD/.build/release/usher"
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
for scenario in "${scenarios[@]}"; do
  echo "torture: $scenario" >&2
  python3 "scripts/torture/$scenario.py" >>"$results" || status=1
done

table=$(python3 - "$results" <<'PYTHON'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
print("| scenario | promise | measured | verdict |")
print("|---|---|---|---|")
for row in rows:
    cells = [row["scenario"], row["promise"], row["measured"], "kept" if row["verdict"] == "kept" else "**broken**"]
    print("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
PYTHON
)
echo "$table"
grep -q '"verdict": "broken"' "$results" && status=1

if [ "$write" = 1 ] && [ "${SCALE:-}" != small ]; then
  machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
  {
    echo "# Reliability"
    echo
    echo "What usher promises under abuse, and what \`scripts/torture/run.sh\` measured. Each scenario is a"
    echo "script in \`scripts/torture/\` (Python, loopback only, every process it starts stopped by PID); the"
    echo "test suite runs each at a small scale (\`--small\`), so a broken promise fails \`.ci/run\`."
    echo
    echo "## Latest run"
    echo
    echo "$(date -u +%Y-%m-%d), $machine; usher release build."
    echo
    echo "$table"
  } > docs/reliability.md.new
  if [ -f docs/reliability.md ] && grep -q '^## Notes' docs/reliability.md; then
    sed -n '/^## Notes/,$p' docs/reliability.md | { echo; cat; } >> docs/reliability.md.new
  fi
  mv docs/reliability.md.new docs/reliability.md
  echo "run.sh: written to docs/reliability.md" >&2
fi
exit $status
