#!/usr/bin/env bash
# Installs the Debian packages usher needs, only those missing, with one `apt-get update`.
#   scripts/system-packages.sh run     what `usher` needs to build and run (ncurses, SQLite for the journal, iptables for usher guard, man)
#   scripts/system-packages.sh test    plus what the test suite drives (curl, nc, socat, tmux, ss, python3, openssl, haproxy,
#                                      redis-server, systemd-socket-activate)
set -euo pipefail

want=(libncurses-dev libsqlite3-dev iptables man-db)
if [ "${1:-run}" = test ]; then
  want+=(curl netcat-openbsd socat tmux iproute2 python3 openssl haproxy redis-server systemd)
fi

# A package counts as present when dpkg says it is installed.
missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "usher: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The tests read usher's metrics with Prometheus's own parser (PyPI's prometheus_client), with
# the python3 they run.
if [ "${1:-run}" = test ] && command -v python3 >/dev/null && ! python3 -c 'import prometheus_client' 2>/dev/null; then
  echo "usher: installing prometheus_client for python3" >&2
  python3 -m pip install --quiet --disable-pip-version-check prometheus_client >/dev/null 2>&1 \
    || python3 -m pip install --quiet --disable-pip-version-check --user prometheus_client
fi
