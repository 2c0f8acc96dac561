#!/usr/bin/env bash
# Installs the Debian packages usher needs, only those missing, with one `apt-get update`.
#   scripts/system-packages.sh run     what `usher` needs to build and run (ncurses, SQLite for the journal)
#   scripts/system-packages.sh test    plus what the test suite drives (curl, nc, socat, tmux, ss, python3, openssl, haproxy)
set -euo pipefail

want=(libncurses-dev libsqlite3-dev)
if [ "${1:-run}" = test ]; then
  want+=(curl netcat-openbsd socat tmux iproute2 python3 openssl haproxy)
fi

# A package counts as present when dpkg says it is installed.
missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "usher: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
